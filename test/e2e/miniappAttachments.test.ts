import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { uploadAttachment } from "../../src/commands/attachmentUploader";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";
import { EXE, sha256Hex } from "../support/fileFixtures";

// 附件 end to end: a file sent in chat as a reply to the request's card (the real SDK downloads it from the
// sandbox) attaches to the request; the target department's handler sees it on the request's page in the
// mini-app and downloads the same bytes; uploads of several files show in the list, refusals in Chinese, and
// an image previews in the page.

const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n营业执照扫描件\n");
const sha = sha256Hex;
const LIMIT = 64 * 1024;

let h: BotHarness;
let browser: Browser;
let dir = "";
let number = "";

beforeAll(async () => {
  await buildMiniapp();
  dir = await mkdtemp(join(tmpdir(), "xietong-e2e-att-"));
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { config: { dataDir: dir, attachmentMaxBytes: LIMIT } });
  // The address people use: cards link to the request's page under it.
  h.deps.config = { ...h.deps.config, publicUrl: h.base };
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const attachmentsOf = (n: string) =>
  h.db.kysely
    .selectFrom("attachments")
    .innerJoin("requests", "requests.id", "attachments.requestId")
    .select(["attachments.name", "attachments.sha256", "attachments.size"])
    .where("requests.number", "=", n)
    .orderBy("attachments.id")
    .execute();

/** The card a chat shows for a request, as it is now (cards are patched in place). */
function chatCard(chatId: string, n: string) {
  const c = h.sandbox
    .messages({ chatId })
    .filter((m) => m.msg_type === "interactive")
    .map((m) => JSON.parse(m.content))
    .filter((x) => String(x.header?.title?.content ?? "").includes(n))
    .at(-1);
  if (!c) throw new Error(`${chatId} 没有 ${n} 的卡片`);
  const elements = (c.body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e]));
  return { title: String(c.header.title.content), text: elements.filter((e) => e.tag === "markdown").map((e) => e.content).join("\n") };
}

const section = (page: Page) => page.locator("section.attachments");
const listed = async (page: Page) => (await section(page).locator("li.attachment .title").allInnerTexts()).map((t) => t.trim());

describe("a file sent in chat reaches the handler's mini-app", () => {
  it("a file sent as a reply to the request's card in the department's group attaches to the request", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司营业执照 截止:3个工作日" });
    await h.flush();
    number = /XT-\d{4}-\d{6}/.exec(shown(h.sandbox, { receiveId: "ou_liuyang" }).at(-1)!)![0];
    const card = h.sandbox.messages({ chatId: "oc_city_amr" }).filter((m) => m.msg_type === "interactive").at(-1)!;
    expect(JSON.parse(card.content).header.title.content).toContain(number);
    expect(chatCard("oc_city_amr", number).text).toContain(`**详情**：[在小程序中查看](${h.base}/app/#r/${number})`);

    const { delivery } = await h.sandbox.sendUserFile({ openId: "ou_lina", chatId: "oc_city_amr", name: "营业执照.pdf", bytes: PDF, parentId: card.message_id });
    expect(delivery.status).toBe(200);
    await h.flush();
    await expect.poll(async () => (await attachmentsOf(number)).map((a) => [a.name, a.sha256.trim(), a.size])).toEqual([["营业执照.pdf", sha(PDF), PDF.length]]);
  });

  it("once accepted, the group's card and the handler's card count the file and link to the request's page", async () => {
    const task = await h.db.kysely.selectFrom("tasks").innerJoin("requests", "requests.id", "tasks.requestId").select("tasks.id").where("requests.number", "=", number).executeTakeFirstOrThrow();
    await h.as("ou_zhangwei", taskAccepter, { task: { taskId: task.id }, assignee: { openId: "ou_wangfang" } });
    await h.flush();
    const line = `**附件**：1 个　[在小程序中查看](${h.base}/app/#r/${number})`;
    await expect.poll(() => chatCard("oc_city_amr", number).text).toContain(line);
    await expect.poll(() => chatCard(h.sandbox.p2pChatFor("ou_wangfang").chatId, number).text).toContain(line);
  });

  it("the target department's handler sees it on the request's page and downloads the same bytes", async () => {
    const page = await signInToMiniapp(browser, h.base, "王芳");
    // She follows the link on her card.
    const link = /\[在小程序中查看\]\(([^)]+)\)/.exec(chatCard(h.sandbox.p2pChatFor("ou_wangfang").chatId, number).text)![1]!;
    await page.goto(link);
    await section(page).locator("li.attachment").first().waitFor();
    expect(await listed(page)).toEqual(["营业执照.pdf"]);
    const meta = await section(page).locator("li.attachment .meta").first().innerText();
    expect(meta).toContain(`${PDF.length} B`);
    expect(meta).toMatch(/PDF · 李娜 · .* · 附于事项/);
    const [download] = await Promise.all([page.waitForEvent("download"), section(page).getByRole("link", { name: "下载" }).click()]);
    expect(download.suggestedFilename()).toBe("营业执照.pdf");
    const got = await readFile((await download.path())!);
    expect(sha(got)).toBe(sha(PDF));
    await page.close();
  });
});

describe("uploading and previewing in the mini-app", () => {
  let page: Page;
  let png: Buffer;
  beforeAll(async () => {
    page = await signInToMiniapp(browser, h.base, "王芳");
    // A real picture to preview: a small screenshot of the page itself.
    png = await page.screenshot({ clip: { x: 0, y: 0, width: 24, height: 16 } });
    await page.goto(`${h.base}/app/#r/${number}`);
    await section(page).locator("li.attachment").first().waitFor();
  });
  afterAll(() => page?.close());

  const input = () => section(page).getByLabel(/上传附件/);

  it("two files chosen at once are both uploaded, each with its progress, and listed", async () => {
    const txt = Buffer.from("核查记录\n企业名称：某公司\n结论：营业执照真实有效\n");
    await input().setInputFiles([
      { name: "现场照片.png", mimeType: "image/png", buffer: png },
      { name: "核查记录.txt", mimeType: "text/plain", buffer: txt },
    ]);
    await expect.poll(() => section(page).locator("li.upload").allInnerTexts()).toEqual([expect.stringContaining("已上传"), expect.stringContaining("已上传")]);
    await expect.poll(() => listed(page)).toEqual(["营业执照.pdf", "现场照片.png", "核查记录.txt"]);
    expect(await section(page).getByRole("heading").innerText()).toBe("附件（3）");
    expect((await attachmentsOf(number)).map((a) => a.sha256.trim())).toEqual([sha(PDF), sha(png), sha(txt)]);
  });

  it("a renamed program and a file over the limit are refused in Chinese, as the server words it", async () => {
    await input().setInputFiles([
      { name: "说明.pdf", mimeType: "application/pdf", buffer: Buffer.from(EXE) },
      { name: "大文件.txt", mimeType: "text/plain", buffer: Buffer.alloc(LIMIT + 1024, "一") },
    ]);
    const refused = section(page).locator("li.upload.refused");
    await expect.poll(() => refused.count()).toBe(2);
    const [exe, big] = await refused.allInnerTexts();
    expect(exe).toContain("不支持上传「说明.pdf」：按文件内容识别为");
    expect(big).toContain("「大文件.txt」超过了单个附件 64.0 KB 的上限，请压缩或拆分后再上传。");
    expect(await listed(page)).toEqual(["营业执照.pdf", "现场照片.png", "核查记录.txt"]);
  });

  it("the picture previews in the page, served inline with nosniff and a restrictive policy", async () => {
    const row = section(page).locator("li.attachment").filter({ hasText: "现场照片.png" });
    expect(await section(page).locator("li.attachment").filter({ hasText: "核查记录.txt" }).getByRole("button", { name: "预览" }).count()).toBe(0);
    await row.getByRole("button", { name: "预览" }).click();
    const img = row.getByRole("img", { name: "现场照片.png 预览" });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(png.readUInt32BE(16));
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-attachments.png"), fullPage: true });
    const src = await img.getAttribute("src");
    const res = await page.request.get(`${h.base}${src}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");
    expect(res.headers()["content-disposition"]).toMatch(/^inline;/);
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res.headers()["content-security-policy"]).toContain("sandbox");
    // A text file is never served inline: it downloads.
    const txtUrl = await section(page).locator("li.attachment").filter({ hasText: "核查记录.txt" }).getByRole("link", { name: "下载" }).getAttribute("href");
    const txt = await page.request.get(`${h.base}${txtUrl}?inline=1`);
    expect(txt.headers()["content-disposition"]).toMatch(/^attachment;/);
    // Every download and preview is in the trail, under the reader's name.
    const trail = await h.db.kysely.selectFrom("auditEvents").select(["actorName", "data"]).where("action", "=", "attachment.download").execute();
    expect(trail.map((e) => `${e.actorName}:${(e.data as { name: string }).name}`)).toEqual(
      expect.arrayContaining(["王芳:营业执照.pdf", "王芳:现场照片.png", "王芳:核查记录.txt"]),
    );
  });

  it("补充说明 takes a file: it is uploaded with the comment and listed as attached to 补充", async () => {
    await page.locator(".request-actions").getByRole("button", { name: "补充说明" }).click();
    const form = page.getByRole("form", { name: "补充说明" });
    await form.getByLabel("补充说明").fill("企业联系人：李先生，电话见附件");
    await form.getByLabel(/附件/).setInputFiles([{ name: "联系人.txt", mimeType: "text/plain", buffer: Buffer.from("李先生 13800000000\n") }]);
    await form.getByRole("button", { name: "提交" }).click();
    await page.getByText("已补充说明").waitFor();
    await expect.poll(() => listed(page)).toContain("联系人.txt");
    expect(await section(page).locator("li.attachment").filter({ hasText: "联系人.txt" }).locator(".meta").innerText()).toContain("附于补充");
  });
});

describe("the completion card", () => {
  it("办结 with a file in the mini-app: the requester's completion card names the result's file", async () => {
    const page = await signInToMiniapp(browser, h.base, "王芳");
    await page.goto(`${h.base}/app/#r/${number}`);
    const amr = page.locator("li.task").filter({ hasText: "市市场监督管理局（" });
    await amr.getByRole("button", { name: "办结" }).click();
    const form = page.getByRole("form", { name: "办结" });
    await form.getByLabel("办理结果").fill("经核查，该公司营业执照真实有效");
    await form.getByLabel(/附件/).setInputFiles([{ name: "核查结论.pdf", mimeType: "application/pdf", buffer: Buffer.from(PDF) }]);
    await form.getByRole("button", { name: "提交办结" }).click();
    await page.getByText("已办结，发起人已收到办理结果").waitFor();
    await expect.poll(() => listed(page)).toContain("核查结论.pdf");
    expect(await section(page).locator("li.attachment").filter({ hasText: "核查结论.pdf" }).locator(".meta").innerText()).toContain("附于办结（市市场监督管理局）");
    await page.close();
    await h.flush();
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    await expect.poll(() => chatCard(p2p, `已办结 ${number}`).text).toContain("**结果附件**：「核查结论.pdf」");
    expect(chatCard(p2p, `已办结 ${number}`).text).toContain(`**附件**：5 个　[在小程序中查看](${h.base}/app/#r/${number})`);
  });

  it("a sensitive request's files are counted and linked in chat, never named", async () => {
    const created = await h.as("ou_liuyang", requestCreator, { text: "@市监局 匿名举报某作坊无照经营", classification: "sensitive", source: "chat" });
    const secret = created.request.number;
    const taskId = created.tasks[0]!.id;
    if (created.request.status === "pending_approval") await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: secret }, decision: "approve" });
    await h.flush();
    // A sensitive request's card goes to the department's people one by one, not to its group; the head replies to his.
    const headChat = h.sandbox.p2pChatFor("ou_zhangwei").chatId;
    expect(h.sandbox.messages({ chatId: "oc_city_amr" }).filter((m) => m.content.includes(secret))).toEqual([]);
    const headCard = h.sandbox.messages({ chatId: headChat }).filter((m) => m.msg_type === "interactive" && m.content.includes(secret)).at(-1)!;
    await h.sandbox.sendUserFile({ openId: "ou_zhangwei", chatId: headChat, name: "举报材料.pdf", bytes: PDF, parentId: headCard.message_id });
    await h.flush();
    await expect.poll(async () => (await attachmentsOf(secret)).map((a) => a.name)).toEqual(["举报材料.pdf"]);
    await h.as("ou_zhangwei", taskAccepter, { task: { taskId }, assignee: { openId: "ou_wangfang" } });
    const body = new ReadableStream<Uint8Array>({ start: (ctl) => (ctl.enqueue(PDF), ctl.close()) });
    await uploadAttachment(h.deps, await h.actor("ou_wangfang"), {
      requestNumber: secret,
      taskId,
      attachedTo: "completion",
      name: "现场核查笔录.pdf",
      body,
      declaredSize: PDF.length,
      source: "miniapp",
    });
    await h.as("ou_wangfang", taskCompleter, { task: { taskId }, result: "已现场核查，责令停业" });
    await h.flush();
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    await expect.poll(() => chatCard(p2p, `已办结 ${secret}`).text).toContain(`**附件**：2 个　[在小程序中查看](${h.base}/app/#r/${secret})`);
    expect(chatCard(p2p, `已办结 ${secret}`).text).not.toContain("结果附件");
    expect(chatCard(h.sandbox.p2pChatFor("ou_wangfang").chatId, secret).text).toContain("**附件**：");
    // Nothing the bot sent anywhere names either file (the only mention is the file message the person sent).
    const sent = h.sandbox.messages().filter((m) => m.msg_type !== "file");
    expect(sent.filter((m) => m.content.includes(secret)).length).toBeGreaterThan(2);
    expect(sent.filter((m) => m.content.includes("举报材料") || m.content.includes("现场核查笔录"))).toEqual([]);
  });
});
