import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// Every follow-up command as typed in chat, in Chinese and English.

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

describe("chat commands", () => {
  it("退回, then 撤回 by the requester", async () => {
    expect(await say("ou_liuyang", "/发起 @市监局 核查某公司欠税")).toContain("XT-2026-000001");
    expect(await say("ou_lina", "/退回 XT-2026-000001", "oc_city_amr")).toBe("请填写退回原因。\n正确示例：/退回 XT-2026-000001 该事项不属于本部门职责，建议转市税务局");
    expect(await say("ou_lina", "退回 XT-2026-000001 欠税核查属税务部门", "oc_city_amr")).toBe("已退回 XT-2026-000001，发起人已收到通知。");
    expect(shown(h.sandbox, { receiveId: "ou_liuyang" }).at(-1)).toContain("您的协同事项被退回（李娜）：欠税核查属税务部门");
    expect(await say("ou_liuyang", "/withdraw XT-2026-000001 已改向税务局申请")).toBe("已撤回 XT-2026-000001，承办部门已收到通知。");
  });

  it("转办 with @部门, 签收 naming a handler, 补充, 催办 and 办结", async () => {
    await say("ou_liuyang", "/发起 @市监局 核查某企业社保缴纳");
    expect(await say("ou_lina", "/转办 XT-2026-000002 社保属人社", "oc_city_amr")).toBe("请用 @部门 写明转给哪个部门。\n正确示例：/转办 XT-2026-000001 @市税务局 涉及欠税核查，属税务职责");
    expect(await say("ou_lina", "/转办 XT-2026-000002 @人社局 社保属人社", "oc_city_amr")).toBe("已将 XT-2026-000002 转办至 人社局，对方部门和发起人已收到通知。");
    expect(await say("ou_fengjie", "/签收 XT-2026-000002 @褚刚", "oc_city_hrss")).toBe("已签收 XT-2026-000002，交由 褚刚 办理。发起人已收到通知。");
    expect(await say("ou_liuyang", "/补充 XT-2026-000002 企业统一社会信用代码 91330100MA2XXXXX")).toBe("已补充到 XT-2026-000002，相关人员已收到通知。");
    expect(shown(h.sandbox, { receiveId: "ou_chugang" }).at(-1)).toContain("刘洋 补充说明：企业统一社会信用代码");
    expect(await say("ou_liuyang", "/催办 XT-2026-000002")).toBe("已催办 XT-2026-000002（1 个承办部门）。");
    expect(await say("ou_liuyang", "/urge XT-2026-000002")).toBe("每个任务 4 小时内只能催办一次，下次可催办时间：11/23 14:00。");
    expect(await say("ou_chugang", "/done XT-2026-000002 已足额缴纳")).toBe("已办结 XT-2026-000002，发起人已收到办理结果。");
    expect(await say("ou_liuyang", "/评价 XT-2026-000002 满意")).toBe("感谢评价：满意。");
    expect(await say("ou_liuyang", "/评价 XT-2026-000002 好")).toBe("请给出 1 到 5 分，或写：非常满意、满意、基本满意、不满意、非常不满意。\n正确示例：/评价 XT-2026-000001 5 办理及时");
  });

  it("同意 / 驳回 by text, 我的 and 待办", async () => {
    await say("ou_liuyang", "/发起 某企业申请注销");
    await say("ou_liuyang", "/发起 另一企业申请注销");
    const todo = await say("ou_zhaomin", "/待办");
    expect(todo).toMatch(/^待我审批（2）：\n· XT-2026-000003 某企业申请注销｜/);
    expect(await say("ou_liuyang", "/同意 XT-2026-000003")).toBe(
      "您无权审批同意：只有发起部门负责人可以审批同意。您的身份：发起人。您可以催办、撤回、补充说明。\n正确示例：/催办 XT-2026-000003",
    );
    expect(await say("ou_zhaomin", "/approve XT-2026-000003 同意")).toBe("已同意 XT-2026-000003，已发送至承办部门。");
    expect(await say("ou_zhaomin", "/驳回 XT-2026-000004")).toBe("请填写驳回理由。\n正确示例：/驳回 XT-2026-000004 请补充企业统一社会信用代码后再发起");
    expect(await say("ou_zhaomin", "/reject XT-2026-000004 重复申请")).toBe("已驳回 XT-2026-000004，发起人已收到通知。");
    const mine = await say("ou_liuyang", "/我的");
    expect(mine).toContain("我发起的未完成事项（1）：\n· XT-2026-000003 某企业申请注销｜东湖区滨江街道办事处｜待签收");
    expect(mine).toContain("交给我办理的任务（0）：\n· 暂无");
  });

  it("签收 without naming a handler: /待办 shows the office what to assign, and every handler what they may take up", async () => {
    expect(await say("ou_liuyang", "/发起 @市监局 核查某超市进货台账")).toContain("XT-2026-000005");
    expect(await say("ou_lina", "/签收 XT-2026-000005", "oc_city_amr")).toContain("已签收 XT-2026-000005");
    const office = await say("ou_lina", "/待办");
    expect(office).toMatch(/已签收待指派经办人（1）：\n· XT-2026-000005 核查某超市进货台账｜/);
    expect(office).toContain("请在小程序中打开事项，点「指派经办人」");
    for (const handler of ["ou_wangfang", "ou_sunqiang"]) expect(await say(handler, "/待办")).toMatch(/待我办理（\d+）：[^]*XT-2026-000005 核查某超市进货台账/);
    expect(await say("ou_chugang", "/待办")).not.toContain("XT-2026-000005");
  });
});
