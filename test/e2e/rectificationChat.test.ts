import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// A 差评 in chat opens a 整改 item that is answered, confirmed from its card and counted: through the sandbox
// platform and the real SDK.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
}, 180_000);
afterAll(() => h.close());

const n = "XT-2026-000001";
const say = async (openId: string, text: string) => {
  await h.sandbox.sendUserMessage({ openId, text });
  await settle();
};
/** delivery until quiet, with a little clock movement so a card patch finds its card already sent */
const settle = async () => {
  await h.flush();
  h.advanceHours(0.01);
  await h.flush();
};
const cards = (receiveId: string) => h.sandbox.messages({ receiveId }).filter((m) => m.msg_type === "interactive");
const lastCard = (receiveId: string) => {
  const m = cards(receiveId).at(-1)!;
  return { message: m, card: JSON.parse(m.content) };
};
const markdown = (card: any): string => JSON.stringify(card.body.elements).replace(/\\n/g, "\n");
const buttons = (card: any): string[] => (JSON.stringify(card).match(/"tag":"button","text":\{"tag":"plain_text","content":"[^"]+"/g) ?? []).map((b) => b.split('"content":"')[1]!.slice(0, -1));
const lastText = (openId: string) => shown(h.sandbox, { receiveId: openId }).at(-1);

describe("好差评 整改 through chat", () => {
  it("a 差评 in chat sends the 整改 card to the target head; /整改 answers; the requester confirms from the card; counted on time", async () => {
    await say("ou_liuyang", "/发起 @市监局 核查某公司营业执照");
    await say("ou_zhangwei", `/签收 ${n}`);
    await say("ou_wangfang", `/办结 ${n} 经核查，该公司营业执照真实有效`);

    await say("ou_liuyang", `/评价 ${n} 2 答复敷衍`);
    expect(lastText("ou_liuyang")).toBe("感谢评价：不满意。已通知承办部门在 5 个工作日内整改并答复，答复后请您确认。");
    const opened = lastCard("ou_zhangwei").card;
    expect(opened.header.title.content).toBe(`整改 ${n} 核查某公司营业执照`);
    expect(markdown(opened)).toContain("**评价**：不满意（2 分），答复敷衍");
    expect(markdown(opened)).toContain("**整改期限**：11月30日 17:30");
    expect(markdown(opened)).toContain(`/整改 ${n} 整改内容`);

    // The requester may not answer for the department; the head answers.
    await say("ou_liuyang", `/整改 ${n} 我来答复`);
    expect(lastText("ou_liuyang")).toContain("您无权整改答复");
    h.setNow("2026-11-25T10:00:00+08:00");
    await say("ou_zhangwei", `/整改 ${n} 已约谈经办人，建立答复前复核制度`);
    expect(lastText("ou_zhangwei")).toBe(`已答复 ${n} 的整改情况，等待发起人确认。`);

    const { message, card } = lastCard("ou_liuyang");
    expect(markdown(card)).toContain("**整改情况**：已约谈经办人，建立答复前复核制度（按期答复）");
    expect(buttons(card)).toEqual(["确认整改", "有异议"]);
    const dispute = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: { a: "rect_dispute", taskId: 1 } });
    expect(dispute.body.toast.type).toBe("error");
    expect(dispute.body.toast.content).toContain("提出整改异议时请写明理由");
    const ok = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: { a: "rect_confirm", taskId: 1 } });
    expect(ok.body.toast).toEqual({ type: "success", content: "已确认整改" });
    expect(markdown(ok.body.card.data ?? ok.body.card)).toContain("**整改状态**：已确认整改");
    // Clicked again: told it is done, the card as it is now, nothing changes.
    const again = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: { a: "rect_confirm", taskId: 1 } });
    expect(again.body.toast).toEqual({ type: "info", content: "该整改已确认或已提出异议，无需重复操作。" });
    await settle();
    const patched = lastCard("ou_liuyang");
    expect(patched.message.message_id).toBe(message.message_id);
    expect(buttons(patched.card)).toEqual([]);
    expect(lastText("ou_zhangwei")).toContain("刘洋 已确认整改，整改事项办结。");

    const item = await h.db.kysely.selectFrom("rectifications").selectAll().where("taskId", "=", 1).executeTakeFirstOrThrow();
    expect(item).toMatchObject({ state: "confirmed", verdict: "confirmed" });
    expect(new Date(item.answeredAt!).getTime()).toBeLessThanOrEqual(new Date(item.dueAt).getTime());
  });

  it("/申诉 by the head reaches the supervisors; a requester may not appeal", async () => {
    await say("ou_liuyang", `/申诉 ${n} 不实`);
    expect(lastText("ou_liuyang")).toContain("您无权申诉");
    await say("ou_zhangwei", `/申诉 ${n} 该评价针对的是其他部门的答复`);
    expect(lastText("ou_zhangwei")).toBe(`已对 ${n} 的评价提出申诉，督查裁定后会通知您。`);
    expect(lastText("ou_jiangping")).toContain("张伟 对该任务的评价提出申诉：该评价针对的是其他部门的答复");
  });
});
