import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { createCardRenderer } from "../../bot/lark/render";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// 延期申请 in chat, through the sandbox and the real SDK: the handler asks with /延期, the requester is told how to
// decide, approves with /同意延期, and /查询 shows the moved deadline.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-02T10:00:00+08:00");
}, 120_000);
afterAll(() => h.close());

const texts = (openId: string) =>
  h.sandbox
    .messages({ chatId: h.sandbox.p2pChatFor(openId).chatId })
    .filter((m) => m.msg_type === "text")
    .map((m) => JSON.parse(m.content).text as string);
const cards = (openId: string) => h.sandbox.messages({ chatId: h.sandbox.p2pChatFor(openId).chatId }).filter((m) => m.msg_type === "interactive");
const lastCard = (openId: string) => {
  const m = cards(openId).at(-1)!;
  return { message: m, card: JSON.parse(m.content) };
};
const markdown = (card: any): string => JSON.stringify(card.body.elements).replace(/\\n/g, "\n");
const buttons = (card: any): string[] => (JSON.stringify(card).match(/"tag":"button","text":\{"tag":"plain_text","content":"[^"]+"/g) ?? []).map((b) => b.split('"content":"')[1]!.slice(0, -1));
const lastContent = (openId: string) => h.sandbox.messages({ chatId: h.sandbox.p2pChatFor(openId).chatId }).at(-1)!.content;

describe("延期 in chat", () => {
  it("the handler asks, the requester approves in chat, and /查询 shows the new deadline", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司营业执照 截止:2026-11-04" });
    await h.flush();
    const n = "XT-2026-000001";
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: n }, assignee: { openId: "ou_wangfang" } });
    await h.flush();

    await h.sandbox.sendUserMessage({ openId: "ou_wangfang", text: `/延期 ${n} 2026-11-08 需等待省厅回函` });
    await h.flush();
    expect(texts("ou_wangfang").at(-1)).toContain("2026-11-08 不是工作日");
    await h.sandbox.sendUserMessage({ openId: "ou_wangfang", text: `/延期 ${n} 2026-11-10 需等待省厅回函` });
    await h.flush();
    expect(texts("ou_wangfang").at(-1)).toBe(`已提交 ${n} 的延期申请（申请延至 2026-11-10），等待审批。`);
    const asked = lastCard("ou_liuyang").card;
    expect(asked.header.title.content).toBe(`延期申请 ${n} 核查某公司营业执照`);
    expect(markdown(asked)).toContain("**当前时限**：11月4日 17:30");
    expect(markdown(asked)).toContain("**申请延至**：11月10日 17:30");
    expect(markdown(asked)).toContain("**延期理由**：需等待省厅回函");
    expect(buttons(asked)).toEqual(["同意延期", "不同意"]);

    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/同意延期 ${n}` });
    await h.flush();
    expect(texts("ou_liuyang").at(-1)).toBe(`已同意 ${n} 的延期申请，办结时限延至 2026-11-10，承办部门已收到通知。`);
    expect(texts("ou_wangfang").at(-1)).toBe(`【${n}】核查某公司营业执照\n刘洋 对 ${n} 的延期申请：同意延期，办结时限延至 2026-11-10`);

    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/查询 ${n}` });
    await h.flush();
    expect(lastContent("ou_liuyang")).toContain("11月10日 17:30");
    expect(lastContent("ou_liuyang")).toContain("截止 11月10日 17:30（原时限 11月4日 17:30，已延期 1 次）");
  }, 240_000);

  it("the requester refuses from the card with a typed reason, then approves a later one from the card", async () => {
    const n = "XT-2026-000001";
    await h.sandbox.sendUserMessage({ openId: "ou_wangfang", text: `/延期 ${n} 2026-11-12 材料尚未收齐` });
    await h.flush();
    const first = lastCard("ou_liuyang");
    expect(markdown(first.card)).toContain("**当前时限**：11月10日 17:30");
    expect(markdown(first.card)).toContain("**申请延至**：11月12日 17:30");
    const refuse = { a: "ext_refuse", taskId: 1, extensionId: 2 };
    const bare = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: first.message.message_id, value: refuse, formValue: { comment: "" } });
    expect(bare.body.toast.type).toBe("error");
    expect(bare.body.toast.content).toContain("不同意延期的理由");
    expect(bare.body.toast.content).toContain(`/不同意延期 ${n}`);
    const refused = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: first.message.message_id, value: refuse, formValue: { comment: "请先报送阶段性结果" } });
    expect(refused.body.toast).toEqual({ type: "success", content: "已不同意延期" });
    await h.flush();
    const patchedRefusal = lastCard("ou_liuyang");
    expect(patchedRefusal.message.message_id).toBe(first.message.message_id);
    expect(markdown(patchedRefusal.card)).toContain("**审批结果**：不同意延期（刘洋）：请先报送阶段性结果");
    expect(buttons(patchedRefusal.card)).toEqual([]);
    expect(texts("ou_wangfang").at(-1)).toBe(`【${n}】核查某公司营业执照\n刘洋 对 ${n} 的延期申请：不同意延期，仍按原时限 2026-11-10 办结（请先报送阶段性结果）`);

    await h.sandbox.sendUserMessage({ openId: "ou_wangfang", text: `/延期 ${n} 2026-11-13 需等待省厅回函` });
    await h.flush();
    const second = lastCard("ou_liuyang");
    expect(second.message.message_id).not.toBe(first.message.message_id);
    expect(buttons(second.card)).toEqual(["同意延期", "不同意"]);
    const approve = { a: "ext_approve", taskId: 1, extensionId: 3 };
    const ok = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: second.message.message_id, value: approve, formValue: { comment: "" } });
    expect(ok.body.toast).toEqual({ type: "success", content: "已同意延期" });
    // Clicked again, or the old card clicked: told it is decided, nothing changes.
    const again = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: second.message.message_id, value: approve, formValue: { comment: "" } });
    expect(again.body.toast).toEqual({ type: "info", content: "该延期申请已审批，无需重复操作。" });
    const old = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: first.message.message_id, value: refuse, formValue: { comment: "不行" } });
    expect(old.body.toast).toEqual({ type: "info", content: "该延期申请已审批，无需重复操作。" });
    await h.flush();
    const patched = cards("ou_liuyang").find((m) => m.message_id === second.message.message_id)!;
    expect(markdown(JSON.parse(patched.content))).toContain("**审批结果**：已同意延期（刘洋），办结时限延至 11月13日 17:30");
    expect(buttons(JSON.parse(patched.content))).toEqual([]);
    expect(texts("ou_wangfang").at(-1)).toBe(`【${n}】核查某公司营业执照\n刘洋 对 ${n} 的延期申请：同意延期，办结时限延至 2026-11-13`);
    const ext = await h.db.kysely.selectFrom("taskExtensions").select(["id", "state"]).orderBy("id").execute();
    expect(ext).toEqual([
      { id: 1, state: "approved" },
      { id: 2, state: "refused" },
      { id: 3, state: "approved" },
    ]);

    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/查询 ${n}` });
    await h.flush();
    expect(lastContent("ou_liuyang")).toContain("截止 11月13日 17:30（原时限 11月4日 17:30，已延期 2 次）");
    // The handler's task card, as a click re-renders it, shows the first deadline too.
    const handlerCard = await createCardRenderer(h.deps).handler(1);
    expect(markdown(handlerCard)).toContain("**截止**：11月13日 17:30");
    expect(markdown(handlerCard)).toContain("**延期**：原时限 11月4日 17:30，已延期 2 次");
  }, 240_000);
});
