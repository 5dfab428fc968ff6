import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// The refusals issue #7 names, typed in chat: a person who may not act is told so (and what they can do),
// not a rule of a state they have no part in.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

async function say(openId: string, text: string, chatId?: string): Promise<string> {
  await h.sandbox.sendUserMessage({ openId, text, ...(chatId ? { chatId } : {}) });
  await h.flush();
  return shown(h.sandbox, chatId ? { chatId } : { receiveId: openId }).at(-1)!;
}

describe("refusals in chat name the real reason", () => {
  it("the requester's /办结 on a joint request: who completes, not the lead/supporting order", async () => {
    expect(await say("ou_liuyang", "/发起 某企业申请注销，请协助核查")).toContain("XT-2026-000001");
    expect(await say("ou_zhaomin", "/同意 XT-2026-000001")).toBe("已同意 XT-2026-000001，已发送至承办部门。");
    expect(await say("ou_liuyang", "/办结 XT-2026-000001 已全部办结")).toBe(
      "您无权办结：只有承办部门经办人或承办部门负责人可以办结。您的身份：发起人。您可以催办、撤回、补充说明。\n正确示例：/催办 XT-2026-000001",
    );
    // The example given works.
    expect(await say("ou_liuyang", "/催办 XT-2026-000001")).toBe("已催办 XT-2026-000001（3 个承办部门）。");
  });

  it("a non-head's /同意 of a request approved and urged: who approves, not who urged it", async () => {
    expect(await say("ou_chenjing", "/同意 XT-2026-000001")).toBe(
      "您无权审批同意：只有发起部门负责人可以审批同意。您不是该事项的参与人。\n正确示例：/查询 XT-2026-000001",
    );
    expect(await say("ou_zhaomin", "/同意 XT-2026-000001")).toBe("该任务已由 赵敏 审批同意，当前状态为「待签收」，无需重复操作。");
  });

  it("/签收 编号 @不存在的人: that department has nobody of that name, and whom it has", async () => {
    expect(await say("ou_liuyang", "/发起 @市监局 核查某公司营业执照")).toContain("XT-2026-000002");
    expect(await say("ou_liuyang", "/签收 XT-2026-000002 @不存在的人")).toBe(
      "您无权签收：只有承办部门收件员或承办部门负责人可以签收。您的身份：发起人。您可以催办、撤回、补充说明。\n正确示例：/催办 XT-2026-000002",
    );
    expect(await say("ou_lina", "/签收 XT-2026-000002 @不存在的人", "oc_city_amr")).toBe(
      "市市场监督管理局没有名为「不存在的人」的经办人或负责人。可以指定：王芳、孙强、张伟。\n正确示例：/签收 XT-2026-000002 @王芳",
    );
    expect(await say("ou_lina", "/签收 XT-2026-000002 @褚刚", "oc_city_amr")).toBe(
      "褚刚不是市市场监督管理局的经办人或负责人，不能指定为经办人。可以指定：王芳、孙强、张伟。\n正确示例：/签收 XT-2026-000002 @王芳",
    );
    expect(await say("ou_lina", "/签收 XT-2026-000002 @王芳", "oc_city_amr")).toBe("已签收 XT-2026-000002，交由 王芳 办理。发起人已收到通知。");
  });

  it("/转办 to an unknown department by someone who may not transfer: the role first", async () => {
    expect(await say("ou_liuyang", "/转办 XT-2026-000002 @市监察局 不归我们")).toMatch(/^您无权转办：只有承办部门收件员、承办部门负责人或管理员可以转办。/);
    expect(await say("ou_zhangwei", "/转办 XT-2026-000002 @市监察局 不归我们")).toMatch(/^找不到部门「市监察局」，您是否要找：/);
  });
});
