import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadNextChatFile, DOWNLOAD_LEASE_MS } from "../../src/commands/chatFileDownloads";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { EXE, pdfBytes, pngBytes, sha256Hex } from "../support/fileFixtures";

// 附件 from chat through the sandbox platform and the real SDK: the message only queues the file; the download
// job fetches it (im.v1.messageResource.get), checks it, stores it and attaches it with its confirmation, retries
// platform outages, refuses what is not allowed, and asks with a card when it cannot tell the request.

const PDF = pdfBytes;
const PNG = pngBytes;
const sha = sha256Hex;

let h: BotHarness;
let dir = "";
const tokens = new Map<string, string>();
let number = ""; // 市监局's request, raised by 刘洋, handled by 王芳
let taxNumber = ""; // 税务局's request
let secretNumber = ""; // a sensitive request to 税务局: 王芳 (市监局) may not see it

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xietong-chatfiles-"));
  h = await createBotHarness("2026-11-23T10:00:00+08:00", { LARK_FILE_TIMEOUT_MS: "1000" }, { config: { dataDir: dir, attachmentMaxBytes: 64 * 1024 } });
  const { request } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某超市进货台账", source: "chat" });
  number = request.number;
  await h.as("ou_lina", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_wangfang" } });
  taxNumber = (await h.as("ou_liuyang", requestCreator, { text: "@税务局 核查某企业欠税情况", source: "chat" })).request.number;
  secretNumber = (await h.as("ou_liuyang", requestCreator, { text: "@税务局 核查某举报线索涉税情况", classification: "sensitive", source: "chat" })).request.number;
  for (const openId of ["ou_liuyang", "ou_wangfang"]) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role: "integration", userId: user.id })).token);
  }
  await drain();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Delivers everything queued and every download due, moving the clock on a little while something waits. */
async function drain(): Promise<void> {
  await h.flush();
  const waiting = async () =>
    (await h.db.kysely.selectFrom("outbox").select("id").where("deliveredAt", "is", null).where("parkedAt", "is", null).executeTakeFirst()) ??
    (await h.db.kysely.selectFrom("chatFileDownloads").select("id").where("status", "=", "queued").executeTakeFirst());
  for (let i = 0; i < 40 && (await waiting()); i++) {
    h.advanceHours(10 / 3600);
    await h.flush();
  }
}
const p2p = (openId: string) => h.sandbox.p2pChatFor(openId).chatId;
const texts = (openId: string) =>
  h.sandbox
    .messages({ chatId: p2p(openId) })
    .filter((m) => m.msg_type === "text" && m.sender.sender_type !== "user")
    .map((m) => String(JSON.parse(m.content).text));
const lastCard = (openId: string) => {
  const m = h.sandbox.messages({ receiveId: openId }).filter((x) => x.msg_type === "interactive").at(-1)!;
  return { message: m, card: JSON.parse(m.content) };
};
const botCardsIn = (chatId: string) => h.sandbox.messages({ chatId }).filter((m) => m.msg_type === "interactive");
const api = (openId: string, path: string) => h.app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });
const attachmentsOf = async (openId: string, num: string) => {
  const res = await api(openId, `/api/requests/${num}/attachments`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Array<{ name: string; sha256: string; url: string; size: number }> }).items;
};
/** People do not send two messages in the same millisecond: the clock moves a second before each. */
const say = (openId: string, text: string) => {
  h.advanceHours(1 / 3600);
  return h.sandbox.sendUserMessage({ openId, text });
};
const sendFile = (input: Parameters<BotHarness["sandbox"]["sendUserFile"]>[0]) => {
  h.advanceHours(1 / 3600);
  return h.sandbox.sendUserFile(input);
};

describe("files sent in chat attach to the request they are for", () => {
  it("a file replying to the handler's card attaches; the other side downloads the same bytes", async () => {
    const { message } = lastCard("ou_wangfang");
    expect(JSON.parse(message.content).header.title.content).toContain(number);
    const bytes = PDF("进货台账");
    const sent = await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "进货台账.pdf", bytes, parentId: message.message_id });
    expect(sent.delivery.status).toBe(200);
    await drain();
    expect(texts("ou_wangfang").at(-1)).toBe(`已将「进货台账.pdf」附到协同事项 ${number}（现有附件 1 个），相关人员已收到通知。可在小程序中查看或下载。`);
    const [a] = await attachmentsOf("ou_liuyang", number);
    expect(a).toMatchObject({ name: "进货台账.pdf", sha256: sha(bytes), size: bytes.byteLength });
    for (const openId of ["ou_wangfang", "ou_liuyang"]) {
      const dl = await api(openId, a!.url);
      expect(dl.status).toBe(200);
      expect(sha(new Uint8Array(await dl.arrayBuffer()))).toBe(sha(bytes));
    }
  });

  it("an image replying to the card, and a post naming the request with two images, attach", async () => {
    const { message } = lastCard("ou_wangfang");
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "", bytes: PNG(1), kind: "image", parentId: message.message_id });
    await h.sandbox.sendUserPost({ openId: "ou_liuyang", text: `补充现场照片 ${number}`, images: [{ name: "a", bytes: PNG(2) }, { name: "b", bytes: PNG(3) }] });
    await drain();
    const all = await attachmentsOf("ou_wangfang", number);
    expect(all.map((a) => a.sha256).sort()).toEqual([sha(PDF("进货台账")), sha(PNG(1)), sha(PNG(2)), sha(PNG(3))].sort());
    expect(texts("ou_liuyang").filter((t) => t.startsWith("已将") && t.includes(number))).toHaveLength(2);
  });

  it("in private chat, a file right after a message naming the request attaches to it", async () => {
    await say("ou_liuyang", `/查询 ${number}`);
    await drain();
    await sendFile({ openId: "ou_liuyang", name: "说明.txt", bytes: new TextEncoder().encode("请一并核查分店台账。\n") });
    await drain();
    expect(texts("ou_liuyang").at(-1)).toContain(`已将「说明.txt」附到协同事项 ${number}`);
    expect((await attachmentsOf("ou_liuyang", number)).map((a) => a.name)).toContain("说明.txt");
  });

  it("a file sent just before /发起 joins the new request", async () => {
    await say("ou_liuyang", "/帮助");
    await drain();
    await sendFile({ openId: "ou_liuyang", name: "注销申请.pdf", bytes: PDF("注销") });
    await drain();
    await say("ou_liuyang", "/发起 @市监局 核查某酒店消防许可");
    await drain();
    const reply = texts("ou_liuyang").at(-1)!;
    expect(reply).toContain("附件：「注销申请.pdf」已一并附上");
    const created = /已发起协同事项 (\S+)：/.exec(reply)![1]!;
    expect((await attachmentsOf("ou_liuyang", created)).map((a) => a.sha256)).toEqual([sha(PDF("注销"))]);
  });

  it("a file the bot cannot place is kept; the card offers the person's open requests; a button attaches it", async () => {
    await say("ou_liuyang", "/帮助");
    await drain();
    await sendFile({ openId: "ou_liuyang", name: "名单.xlsx", bytes: zipLike() });
    await drain();
    const cards = botCardsIn(p2p("ou_liuyang"));
    const { card, message } = { card: JSON.parse(cards.at(-1)!.content), message: cards.at(-1)! };
    expect(card.header.title.content).toBe("这个文件附到哪个事项？");
    const buttons = (card.body.elements as any[]).filter((e) => e.tag === "button");
    const labels = buttons.map((b) => b.text.content as string);
    // newest first, with the titles; the text fallback is offered too
    expect(labels[0]).toMatch(/^XT-\d{4}-\d+ 核查某酒店消防许可$/);
    expect(labels).toContain(`${number} 核查某超市进货台账`);
    expect(labels).toContain(`${taxNumber} 核查某企业欠税情况`);
    expect(JSON.stringify(card)).toContain("/附件 ");
    expect(await attachmentsOf("ou_liuyang", taxNumber)).toEqual([]);

    // Only the person the file is kept for may press.
    const button = buttons.find((b) => b.text.content.startsWith(taxNumber));
    const other = await h.sandbox.clickCard({ openId: "ou_wangfang", messageId: message.message_id, value: button.behaviors[0].value });
    expect(other.body.toast.type).toBe("error");
    const pressed = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: button.behaviors[0].value });
    expect(pressed.body.toast).toEqual({ type: "success", content: `已附到 ${taxNumber}` });
    expect(pressed.body.card.data.header.title.content).toBe("文件已附上");
    expect((await attachmentsOf("ou_liuyang", taxNumber)).map((a) => a.name)).toEqual(["名单.xlsx"]);
    // A second press finds nothing left to attach.
    const again = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: button.behaviors[0].value });
    expect(again.body.toast.type).toBe("info");
    expect(await attachmentsOf("ou_liuyang", taxNumber)).toHaveLength(1);
  });
});

describe("the platform failing, and files that are refused", () => {
  it("downloads failing (500, then a timeout) are retried; the file attaches exactly once and nothing wrong is said", async () => {
    const before = texts("ou_wangfang").length;
    h.sandbox.failResourceDownloads({ status: 500, count: 2 });
    const { message } = lastCard("ou_wangfang");
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "复核意见.pdf", bytes: PDF("复核"), parentId: message.message_id });
    await h.flush();
    const row = await h.db.kysely.selectFrom("chatFileDownloads").selectAll().where("name", "=", "复核意见.pdf").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row.lastError).toContain("HTTP 500");
    h.sandbox.failResourceDownloads({ status: "timeout", count: 1 });
    await drain();
    const after = texts("ou_wangfang").slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(new RegExp(`^已将「复核意见\\.pdf」附到协同事项 ${number}（现有附件 \\d+ 个）`));
    expect((await attachmentsOf("ou_wangfang", number)).filter((a) => a.name === "复核意见.pdf")).toHaveLength(1);
    expect(await h.db.kysely.selectFrom("chatFileDownloads").select(["status", "attempts"]).where("id", "=", row.id).executeTakeFirstOrThrow()).toEqual({ status: "done", attempts: expect.any(Number) });
  }, 60_000);

  it("a download still failing after the last try: the person is told in Chinese how to resend", async () => {
    h.sandbox.failResourceDownloads({ status: 500, count: 5 });
    const { message } = lastCard("ou_wangfang");
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "照片说明.pdf", bytes: PDF("失败"), parentId: message.message_id });
    await drain();
    expect(texts("ou_wangfang").at(-1)).toBe(
      "抱歉，文件「照片说明.pdf」从飞书下载失败（已重试 5 次），没有附上。请稍后把文件重新发给我（回复事项卡片发送即可附到该事项）；也可以在小程序的事项页面直接上传。",
    );
    expect((await attachmentsOf("ou_wangfang", number)).map((a) => a.name)).not.toContain("照片说明.pdf");
  }, 60_000);

  it("a file too big, and a renamed executable, are refused at once with what is allowed", async () => {
    const { message } = lastCard("ou_wangfang");
    const big = new Uint8Array(100 * 1024);
    big.set(PDF("大"));
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "扫描件.pdf", bytes: big, parentId: message.message_id });
    await drain();
    expect(texts("ou_wangfang").at(-1)).toContain("文件「扫描件.pdf」未能附上：「扫描件.pdf」超过了单个附件 64.0 KB 的上限");
    expect(texts("ou_wangfang").at(-1)).toContain("可以上传的类型：PDF、OFD");
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "报告.pdf", bytes: EXE, parentId: message.message_id });
    await drain();
    expect(texts("ou_wangfang").at(-1)).toMatch(/^文件「报告\.pdf」未能附上：不支持上传「报告\.pdf」/);
    const names = (await attachmentsOf("ou_wangfang", number)).map((a) => a.name);
    expect(names).not.toContain("扫描件.pdf");
    expect(names).not.toContain("报告.pdf");
  });

  it("a request number the person may not see is refused exactly like one that does not exist", async () => {
    await h.sandbox.sendUserPost({ openId: "ou_wangfang", text: `材料 ${secretNumber}`, images: [{ name: "x", bytes: PNG(9) }] });
    await drain();
    const refused = texts("ou_wangfang").at(-1)!;
    expect(refused).toBe(`找不到编号为 ${secretNumber} 的协同事项，或您无权查看，文件没有附上。\n正确示例：回复事项卡片发送文件，或先发送 /附件 XT-2026-000001 再发文件`);
    await h.sandbox.sendUserPost({ openId: "ou_wangfang", text: "材料 XT-2026-999999", images: [{ name: "x", bytes: PNG(9) }] });
    await drain();
    expect(texts("ou_wangfang").at(-1)).toBe(refused.replace(secretNumber, "XT-2026-999999"));
    expect(await attachmentsOf("ou_liuyang", secretNumber)).toEqual([]);
  });
});

describe("a server stopping mid-download", () => {
  it("a download whose server died is taken over once its lease ends and attaches once, even with two servers racing", async () => {
    const { message } = lastCard("ou_wangfang");
    const real = h.deps.chatFiles!;
    // This server leases the row and then hangs (as if it died): it never stores anything.
    let die: (err: Error) => void = () => undefined;
    h.deps.chatFiles = { ...real, download: () => new Promise((_, reject) => (die = reject)) };
    await h.sandbox.sendUserFile({ openId: "ou_wangfang", name: "接管.pdf", bytes: PDF("接管"), parentId: message.message_id });
    const attempts = () => h.db.kysely.selectFrom("chatFileDownloads").select(["attempts", "status"]).where("name", "=", "接管.pdf").executeTakeFirst();
    await expect.poll(attempts).toEqual({ attempts: 1, status: "queued" });
    // Two other servers: nothing to take while the lease runs; once it ends, exactly one of them takes it.
    const other = { ...h.deps, chatFiles: real };
    expect(await downloadNextChatFile(other)).toBe(false);
    h.advanceHours(DOWNLOAD_LEASE_MS / 3600_000 + 1 / 60);
    expect((await Promise.all([downloadNextChatFile(other), downloadNextChatFile(other)])).filter(Boolean)).toHaveLength(1);
    expect(await attempts()).toEqual({ attempts: 2, status: "done" });
    // The hung server comes back with a failure: the row is done, so it changes nothing.
    h.deps.chatFiles = real;
    die(new Error("连接已断开"));
    await drain();
    expect(await attempts()).toEqual({ attempts: 2, status: "done" });
    expect((await attachmentsOf("ou_wangfang", number)).filter((a) => a.name === "接管.pdf")).toHaveLength(1);
    expect(texts("ou_wangfang").filter((t) => t.includes("「接管.pdf」"))).toHaveLength(1);
  }, 60_000);
});

/** An .xlsx is a ZIP: the local file header is what the content check reads. */
function zipLike(): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0]);
  const name = new TextEncoder().encode("[Content_Types].xml");
  b.set([name.length, 0], 26);
  b.set(name, 30);
  return b;
}
