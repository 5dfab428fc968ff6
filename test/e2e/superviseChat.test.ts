import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// 督办 in chat, through the sandbox and the real SDK: the supervisor's /督办 reaches the target head as a card
// with an urgent notice (加急) the platform records; a refused urgent notice never re-sends nor parks the card.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
}, 120_000);
afterAll(() => h?.close());

const settle = async () => {
  await h.flush();
  h.advanceHours(0.01);
  await h.flush();
};
const say = async (openId: string, text: string) => {
  await h.sandbox.sendUserMessage({ openId, text });
  await settle();
  return shown(h.sandbox, { receiveId: openId }).at(-1) ?? "";
};
const cardsOf = (openId: string) =>
  h.sandbox
    .messages({ receiveId: openId })
    .filter((m) => m.msg_type === "interactive")
    .map((m) => ({ id: m.message_id, card: JSON.parse(m.content) }));
const text = (card: any): string => (card.body.elements as any[]).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");

describe("/督办 in chat", () => {
  it("the target head gets the 督办 card and an urgent notice; the handler and the requesting head are told; /查询 shows 督办中", async () => {
    await say("ou_liuyang", "/发起 @市监局 核查某公司营业执照");
    const n = "XT-2026-000001";
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: n }, assignee: { openId: "ou_wangfang" } });
    await settle();

    // Not a supervisor: told who may, with an example.
    const refused = await say("ou_liuyang", `/督办 ${n} 请尽快办理`);
    expect(refused).toContain("您无权督办：只有督查人员可以督办。");
    expect(refused).toContain(`/催办 ${n}`);
    expect(await say("ou_jiangping", `/督办 ${n}`)).toContain(`请填写督办意见。`);

    const reply = await say("ou_jiangping", `/督办 ${n} 请于本周五前办结并报送结果`);
    expect(reply).toBe(`已督办 ${n}（市市场监督管理局），承办部门负责人已收到督办通知和加急提醒，经办人和发起部门负责人也已收到通知。办结后督办自动销号。`);
    const [head] = cardsOf("ou_zhangwei").filter((c) => c.card.header.title.content === `【督办】${n}`);
    expect(head).toBeDefined();
    expect(text(head!.card)).toContain("**核查某公司营业执照**");
    expect(text(head!.card)).toContain("督办意见：请于本周五前办结并报送结果");
    expect(text(head!.card)).toContain("督查人员：姜平");
    expect(text(head!.card)).toContain("办结时限：11月26日 17:30（正常）");
    expect(h.sandbox.urgentNotices()).toEqual([expect.objectContaining({ messageId: head!.id, openIds: ["ou_zhangwei"] })]);
    for (const who of ["ou_wangfang", "ou_zhaomin"]) {
      expect(cardsOf(who).map((c) => c.card.header.title.content), who).toContain(`【督办】${n}`);
    }
    const row = await h.db.kysely.selectFrom("outbox").select(["urgentStatus", "deliveredAt"]).where("topic", "=", "task.supervised").where("recipientId", "=", "ou_zhangwei").executeTakeFirstOrThrow();
    expect(row.urgentStatus).toBe("sent");

    expect(await say("ou_liuyang", `/查询 ${n}`)).toContain("｜督办中");
    expect(await say("ou_jiangping", "/帮助 督办")).toContain("/督办 编号 [@部门] 意见");
  });

  it("an urgent notice the platform refuses (230002) leaves the card delivered once, not re-sent, not parked", async () => {
    const n = "XT-2026-000001";
    h.sandbox.refuseUrgent({ code: 230002, msg: "Bot/User can NOT be out of the chat.", count: 10 });
    const before = cardsOf("ou_zhangwei").length;
    const notices = h.sandbox.urgentNotices().length;
    const reply = await say("ou_jiangping", `/督办 ${n} 请说明延误原因`);
    expect(reply).toContain("追加督办意见（共 2 条）");
    await settle();
    const after = cardsOf("ou_zhangwei");
    expect(after).toHaveLength(before + 1);
    expect(text(after.at(-1)!.card)).toContain("督办意见：请说明延误原因");
    expect(h.sandbox.urgentNotices()).toHaveLength(notices);
    const row = await h.db.kysely
      .selectFrom("outbox")
      .select(["urgentStatus", "deliveredAt", "parkedAt", "attempts", "uuid"])
      .where("topic", "=", "task.supervised")
      .where("recipientId", "=", "ou_zhangwei")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ parkedAt: null, attempts: 0, urgentStatus: "failed: 230002 Bot/User can NOT be out of the chat." });
    expect(row.deliveredAt).not.toBeNull();
    expect(h.sandbox.sendLog().filter((s) => s.uuid === row.uuid)).toHaveLength(1);
  });
});
