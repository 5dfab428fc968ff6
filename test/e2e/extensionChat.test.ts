import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskAccepter } from "../../src/commands/taskAccepter";
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
    expect(texts("ou_liuyang").at(-1)).toBe(
      `【${n}】核查某公司营业执照\n承办部门申请将 ${n} 的办结时限由 2026-11-04 延至 2026-11-10，理由：需等待省厅回函\n同意：/同意延期 ${n}　不同意：/不同意延期 ${n} 理由`,
    );

    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/同意延期 ${n}` });
    await h.flush();
    expect(texts("ou_liuyang").at(-1)).toBe(`已同意 ${n} 的延期申请，办结时限延至 2026-11-10，承办部门已收到通知。`);
    expect(texts("ou_wangfang").at(-1)).toBe(`【${n}】核查某公司营业执照\n刘洋 对 ${n} 的延期申请：同意延期，办结时限延至 2026-11-10`);

    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/查询 ${n}` });
    await h.flush();
    expect(lastContent("ou_liuyang")).toContain("11月10日 17:30");
    expect(lastContent("ou_liuyang")).not.toContain("11月4日 17:30");
  }, 240_000);
});
