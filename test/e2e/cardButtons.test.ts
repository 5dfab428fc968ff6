import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// 办结, 要求补正, 确认办结 and 退回重办 from chat cards: the real SDK, the sandbox platform, the card form's
// input arriving as form_value, the answer (toast and re-rendered card) in the click's response.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
});
afterAll(() => h.close());

/** Delivers everything queued; after a jump of the clock the platform's token has expired and sends are retried a little later. */
async function drain(): Promise<void> {
  await h.flush();
  const pending = () => h.db.kysely.selectFrom("outbox").select("id").where("deliveredAt", "is", null).where("parkedAt", "is", null).executeTakeFirst();
  for (let i = 0; i < 20 && (await pending()); i++) {
    h.advanceHours(10 / 3600);
    await h.flush();
  }
}
const cardsOf = (openId: string) => h.sandbox.messages({ receiveId: openId }).filter((m) => m.msg_type === "interactive");
const lastCard = (openId: string) => {
  const m = cardsOf(openId).at(-1)!;
  return { message: m, card: JSON.parse(m.content) };
};
const buttons = (c: any): any[] => (c.body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e])).filter((e) => e.tag === "button");
const inputs = (c: any): string[] => (c.body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e])).filter((e) => e.tag === "input").map((e) => e.name);
const markdown = (c: any): string => (c.body.elements as any[]).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");
const click = async (openId: string, label: string, formValue: Record<string, string> = {}) => {
  const { message, card } = lastCard(openId);
  const b = buttons(card).find((x) => x.text.content === label);
  expect(b, `${label} on ${openId}'s card`).toBeTruthy();
  const r = await h.sandbox.clickCard({ openId, messageId: message.message_id, value: b.behaviors[0].value, name: b.name, formValue });
  expect(r.status).toBe(200);
  return { toast: r.body.toast as { type: string; content: string }, card: r.body.card?.data, messageId: message.message_id };
};
const stateOf = (number: string, code: string) =>
  h.db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["tasks.state", "tasks.reviewPending", "tasks.result"])
    .where("requests.number", "=", number)
    .where("departments.code", "=", code)
    .executeTakeFirstOrThrow();

describe("a handler asks for material from the card", () => {
  it("要求补正 needs what is missing; then the task pauses and the card shows it without buttons", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某超市进货台账", source: "chat" });
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: request.number }, assignee: { openId: "ou_wangfang" } });
    await drain();
    const { card } = lastCard("ou_wangfang");
    expect(card.header.title.content).toBe(`${request.number} 核查某超市进货台账`);
    expect(markdown(card)).toContain("李娜 将协同事项交给您办理");
    expect(buttons(card).map((b) => b.text.content)).toEqual(["办结", "要求补正"]);
    expect(inputs(card)).toEqual(["result", "question"]);

    const empty = await click("ou_wangfang", "要求补正");
    expect(empty.toast).toEqual({ type: "error", content: "请填写需要补正的内容。\n正确示例：请补充该企业的统一社会信用代码" });
    const asked = await click("ou_wangfang", "要求补正", { question: "请补充供货商名单" });
    expect(asked.toast).toEqual({ type: "success", content: "已请发起人补正，补正期间暂停计时" });
    expect(markdown(asked.card)).toContain("**状态**：待补正");
    expect(buttons(asked.card)).toEqual([]);
    expect((await stateOf(request.number, "city-amr")).state).toBe("awaiting_info");
    await drain();
    expect(h.sandbox.messages({ receiveId: "ou_liuyang" }).map((m) => m.content).join("\n")).toContain("请补充供货商名单");
  });
});

describe("a joint request completed and confirmed from cards", () => {
  let number: string;
  it("the supporting handler completes from the card with the result typed in; it waits for the head", async () => {
    h.setNow("2026-11-24T10:00:00+08:00");
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "chat" });
    number = request.number;
    await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: number }, decision: "approve" });
    await h.as("ou_fengjie", taskAccepter, { task: { requestNumber: number, departmentCode: "city-hrss" }, assignee: { openId: "ou_chugang" } });
    await drain();
    const missing = await click("ou_chugang", "办结");
    expect(missing.toast.type).toBe("error");
    expect(missing.toast.content).toContain("请填写办结结果。");
    const done = await click("ou_chugang", "办结", { result: "社保已清算，无欠费" });
    expect(done.toast).toEqual({ type: "success", content: "已提交办结结果，等待本部门负责人确认" });
    expect(markdown(done.card)).toContain("办结结果已提交，等待本部门负责人确认。");
    expect(buttons(done.card)).toEqual([]);
    expect(await stateOf(number, "city-hrss")).toMatchObject({ state: "in_progress", reviewPending: true, result: "社保已清算，无欠费" });
  });

  it("the head gets a card with 确认办结 / 退回重办; sending back needs a reason and reaches the handler as a new card", async () => {
    await drain();
    const { card } = lastCard("ou_zhengli");
    expect(card.header.title.content).toBe(`待确认办结 ${number} 某企业申请注销，请协助核查`);
    expect(markdown(card)).toContain("**提交的办理结果**（褚刚）：社保已清算，无欠费");
    expect(buttons(card).map((b) => b.text.content)).toEqual(["确认办结", "退回重办"]);
    const noReason = await click("ou_zhengli", "退回重办");
    expect(noReason.toast).toEqual({ type: "error", content: "请填写退回重办的理由。\n正确示例：核查结论缺少依据，请补充执照查询截图" });
    // Someone who is not the head may not decide.
    const { message } = lastCard("ou_zhengli");
    const notHead = await h.sandbox.clickCard({ openId: "ou_chugang", messageId: message.message_id, value: buttons(card)[0].behaviors[0].value, name: "confirm" });
    expect(notHead.body.toast.type).toBe("error");
    expect(notHead.body.toast.content).toContain("承办部门负责人");
    const back = await click("ou_zhengli", "退回重办", { comment: "请附社保清算单" });
    expect(back.toast).toEqual({ type: "success", content: "已退回重办" });
    expect(markdown(back.card)).toContain("**审核结果**：已退回重办（郑丽）：请附社保清算单");
    expect(buttons(back.card)).toEqual([]);
    await drain();
    const again = lastCard("ou_chugang").card;
    expect(markdown(again)).toContain("请重新办理：请附社保清算单");
    expect(buttons(again).map((b) => b.text.content)).toEqual(["办结", "要求补正"]);
  });

  it("resubmitted and confirmed from the card; a second click is told it is done", async () => {
    await click("ou_chugang", "办结", { result: "社保已清算，附清算单" });
    await drain();
    const confirmValue = buttons(lastCard("ou_zhengli").card).find((b) => b.text.content === "确认办结").behaviors[0].value;
    const ok = await click("ou_zhengli", "确认办结");
    expect(ok.toast).toEqual({ type: "success", content: "已确认办结" });
    expect(markdown(ok.card)).toContain("**审核结果**：已确认办结（郑丽）");
    expect((await stateOf(number, "city-hrss")).state).toBe("completed");
    const { message } = lastCard("ou_zhengli");
    const twice = await h.sandbox.clickCard({ openId: "ou_zhengli", messageId: message.message_id, value: confirmValue, name: "confirm" });
    expect(twice.body.toast.type).toBe("error");
    expect(twice.body.toast.content).toContain("无需重复操作");
  });

  it("the lead's handler completes from the card, the head confirms; the requester's card lists every department's result", async () => {
    await h.as("ou_zhoujie", taskAccepter, { task: { requestNumber: number, departmentCode: "city-tax" } });
    await h.as("ou_zhoujie", taskCompleter, { task: { requestNumber: number, departmentCode: "city-tax" }, result: "无欠税" });
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: number, departmentCode: "city-amr" }, assignee: { openId: "ou_wangfang" } });
    await drain();
    await click("ou_wangfang", "办结", { result: "准予注销" });
    await drain();
    const ok = await click("ou_zhangwei", "确认办结");
    expect(ok.toast).toEqual({ type: "success", content: "已确认办结" });
    await drain();
    const { card } = lastCard("ou_liuyang");
    expect(card.header.title.content).toBe(`已办结 ${number} 某企业申请注销，请协助核查`);
    const text = markdown(card);
    expect(text).toContain("**办结结果**（市市场监督管理局）：准予注销");
    expect(text).toContain("**国家税务总局临江市税务局**：无欠税");
    expect(text).toContain("**市人力资源和社会保障局**：社保已清算，附清算单");
    // Rated from the card: the re-rendered card still lists every department.
    const rated = await click("ou_liuyang", "非常满意");
    expect(rated.toast).toEqual({ type: "success", content: "感谢您的评价" });
    expect(markdown(rated.card)).toContain("**国家税务总局临江市税务局**：无欠税");
    expect(markdown(rated.card)).toContain("**您的评价**：非常满意");
  });
});
