import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { REQUEST_EXAMPLE } from "../../src/domain/requestText";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// A civil servant, a department head and a handler use xietong in chat: the real SDK talks to the sandbox
// platform, which delivers signed, encrypted events to the product's webhook over HTTP.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
});
afterAll(() => h.close());

const lastText = (openId: string) => shown(h.sandbox, { receiveId: openId }).at(-1);
const card = (chatId: string, index = -1) => {
  const m = h.sandbox.messages({ chatId }).filter((x) => x.msg_type === "interactive").at(index)!;
  return { message: m, card: JSON.parse(m.content) };
};
const buttons = (c: any): any[] =>
  (c.body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e])).filter((e) => e.tag === "button");
const markdown = (c: any): string => (c.body.elements as any[]).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");

describe("a request raised, accepted, completed and rated in chat", () => {
  it("the member raises it in a private chat and is answered", async () => {
    const { delivery } = await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司营业执照 截止:3个工作日" });
    expect(delivery.status).toBe(200);
    await h.flush();
    expect(lastText("ou_liuyang")).toBe(
      [
        "已发起协同事项 XT-2026-000001：核查某公司营业执照",
        "发往：市市场监督管理局",
        "截止：11月26日 17:30（规则「街镇证照核查（区级）」）",
        "状态：待签收",
        "查询进度：/查询 XT-2026-000001",
      ].join("\n"),
    );
    const request = await h.db.kysely.selectFrom("requests").selectAll().where("number", "=", "XT-2026-000001").executeTakeFirstOrThrow();
    expect(new Date(request.dueAt).toISOString()).toBe("2026-11-26T09:30:00.000Z");
    expect(request.source).toBe("chat");
  });

  it("the department's group receives the card with 签收 / 退回 / 转办", async () => {
    const { card: c } = card("oc_city_amr");
    expect(c.header.title.content).toBe("XT-2026-000001 核查某公司营业执照");
    expect(buttons(c).map((b) => b.text.content)).toEqual(["签收", "退回", "转办"]);
    expect(markdown(c)).toContain("**发起**：东湖区滨江街道办事处 刘洋");
  });

  it("the head clicks 签收: the card updates in place and the requester is told", async () => {
    const { message } = card("oc_city_amr");
    const answer = await h.sandbox.clickCard({ openId: "ou_zhangwei", messageId: message.message_id, value: { a: "accept", taskId: 1 }, name: "accept" });
    expect(answer.status).toBe(200);
    expect(answer.body.toast).toEqual({ type: "success", content: "已签收" });
    await h.flush();
    const after = card("oc_city_amr");
    expect(after.message.message_id).toBe(message.message_id);
    expect(h.sandbox.messages({ chatId: "oc_city_amr" })).toHaveLength(1); // patched, not piled up
    expect(buttons(after.card)).toEqual([]);
    expect(markdown(after.card)).toContain("**状态**：办理中");
    expect(lastText("ou_liuyang")).toBe("【XT-2026-000001】核查某公司营业执照\n您的协同事项已被签收（张伟），正在办理。");
  });

  it("a click on the same button again is told who already did it", async () => {
    const { message } = card("oc_city_amr");
    const answer = await h.sandbox.clickCard({ openId: "ou_lina", messageId: message.message_id, value: { a: "accept", taskId: 1 } });
    expect(answer.body.toast).toEqual({ type: "error", content: "该任务已由 张伟 签收，当前状态为「办理中」，无需重复操作。" });
  });

  it("the handler completes it with /办结; the requester gets the result with rating buttons", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_wangfang", text: "/办结 XT-2026-000001 经核查，该公司营业执照真实有效" });
    await h.flush();
    expect(lastText("ou_wangfang")).toBe("已办结 XT-2026-000001，发起人已收到办理结果。");
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    const { card: c } = card(p2p);
    expect(c.header.title.content).toBe("已办结 XT-2026-000001 核查某公司营业执照");
    expect(markdown(c)).toContain("经核查，该公司营业执照真实有效");
    expect(buttons(c).map((b) => b.text.content)).toEqual(["非常满意", "满意", "基本满意", "不满意", "非常不满意"]);
  });

  it("不满意 without a comment is refused; 非常满意 is recorded and the card shows it", async () => {
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    const { message } = card(p2p);
    const refused = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: { a: "rate", taskId: 1, score: 2 } });
    expect(refused.body.toast.type).toBe("error");
    expect(refused.body.toast.content).toContain("评价为「不满意」时请写明原因");
    const ok = await h.sandbox.clickCard({
      openId: "ou_liuyang",
      messageId: message.message_id,
      value: { a: "rate", taskId: 1, score: 5 },
      formValue: { comment: "很及时" },
    });
    expect(ok.body.toast).toEqual({ type: "success", content: "感谢您的评价" });
    await h.flush();
    expect(markdown(card(p2p).card)).toContain("**您的评价**：非常满意，很及时");
  });

  it("the audit trail holds every step, and verifies", async () => {
    const trail = await listAudit(h.db.kysely, 1);
    expect(trail.map((e) => `${e.action}:${e.actorName}`)).toEqual(["create:刘洋", "accept:张伟", "complete:王芳", "evaluate:刘洋"]);
    expect((await verifyChain(h.db.kysely, "request:1")).ok).toBe(true);
  });
});

describe("chat answers people can act on", () => {
  it("in a group the bot answers only when @mentioned", async () => {
    const before = h.sandbox.messages({ chatId: "oc_city_amr" }).length;
    await h.sandbox.sendUserMessage({ openId: "ou_lina", chatId: "oc_city_amr", text: "/待办", mentionBot: false });
    await h.flush();
    expect(h.sandbox.messages({ chatId: "oc_city_amr" })).toHaveLength(before + 1); // just her message
    await h.sandbox.sendUserMessage({ openId: "ou_lina", chatId: "oc_city_amr", text: "待办" });
    await h.flush();
    expect(shown(h.sandbox, { chatId: "oc_city_amr" }).at(-1)).toBe("暂无待办事项。");
  });

  it("a malformed command says what is wrong and shows a correct example", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查 截止:下周" });
    await h.flush();
    expect(lastText("ou_liuyang")).toBe(
      "看不懂截止时间「下周」，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。\n正确示例：/发起 @市监局 核查某公司营业执照 #证照核查 截止:2个工作日 !紧急",
    );
    // The example shown is itself accepted.
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: REQUEST_EXAMPLE });
    await h.flush();
    expect(lastText("ou_liuyang")).toMatch(/^已发起协同事项 XT-2026-\d{6}：核查某公司营业执照/);
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/签收 123" });
    await h.flush();
    expect(lastText("ou_liuyang")).toBe("「123」不是协同事项编号，编号形如 XT-2026-000001。\n正确示例：/签收 XT-2026-000001");
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监察局 核查某公司" });
    await h.flush();
    expect(lastText("ou_liuyang")).toMatch(/^找不到部门「市监察局」，您是否要找：市市场监督管理局/);
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/干活" });
    await h.flush();
    expect(lastText("ou_liuyang")).toContain("没有「/干活」这个命令");
  });

  it("English aliases and /帮助 work", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/status XT-2026-000001" });
    await h.flush();
    expect(lastText("ou_liuyang")).toContain("· 市市场监督管理局（主办）：已办结");
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/帮助 发起" });
    await h.flush();
    expect(lastText("ou_liuyang")).toContain("别名：/发起 /请求 /request /new");
  });

  it("free text that reads as a request gets a preview; 确认 creates it", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "请人社局出具张三的社保参保证明" });
    await h.flush();
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    const { message, card: c } = card(p2p);
    expect(c.header.title.content).toBe("是否发起协同事项？");
    expect(markdown(c)).toContain("**发往**：市人力资源和社会保障局");
    expect(buttons(c).map((b) => b.text.content)).toEqual(["确认发起", "修改", "取消"]);
    const count = async () => Number((await h.db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const confirm = buttons(c)[0].behaviors[0].value;
    const answer = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: confirm });
    expect(answer.body.toast.content).toMatch(/^已发起 XT-2026-\d{6}$/);
    expect(await count()).toBe(before + 1);
    expect(card(p2p).card.header.title.content).toBe("已发起协同事项");
  });

  it("a person unknown to xietong is told to ask the admin, and nothing else", async () => {
    h.sandbox.addUser({ openId: "ou_stranger", name: "路人甲" });
    await h.sandbox.sendUserMessage({ openId: "ou_stranger", text: "/发起 @市监局 核查" });
    await h.flush();
    expect(shown(h.sandbox, { receiveId: "ou_stranger" }).slice(1)).toEqual([
      "您还没有登记在协同系统中，暂时不能使用。请联系本单位管理员把您加入组织架构后再试。",
    ]);
  });

  it("sensitive requests never show their body in chat, and skip the work group for the office's private chats", async () => {
    const { requestCreator } = await import("../../src/commands/requestCreator");
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查举报人王某提供的线索", source: "miniapp", classification: "sensitive" });
    await h.flush();
    // The work group holds every handler of the department; only the dispatcher and the head may open it.
    expect(h.sandbox.messages({ chatId: "oc_city_amr" }).map((m) => m.content).join("\n")).not.toContain(request.number);
    for (const office of ["ou_lina", "ou_zhangwei"]) {
      const all = h.sandbox.messages({ receiveId: office }).map((m) => m.content).join("\n");
      expect(all).not.toContain("举报人");
      expect(all).toContain(`涉密事项 ${request.number}`);
    }
  });
});

describe("approval and the card forms", () => {
  it("a joint request waits for the head, who approves it from the card; each department then gets its card", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 某企业申请注销，请协助核查" });
    await h.flush();
    expect(lastText("ou_liuyang")).toContain("状态：待审批，已提交本部门负责人审批");
    const p2p = h.sandbox.p2pChatFor("ou_zhaomin").chatId;
    const { message, card: c } = card(p2p);
    expect(c.header.title.content).toMatch(/^待审批 XT-2026-\d{6} 某企业申请注销，请协助核查$/);
    expect(markdown(c)).toContain("**发往**：市市场监督管理局、国家税务总局临江市税务局、市人力资源和社会保障局");
    const approve = buttons(c).find((b) => b.text.content === "同意");
    const groupsBefore = ["oc_city_amr", "oc_city_tax", "oc_city_hrss"].map((g) => h.sandbox.messages({ chatId: g }).length);
    const answer = await h.sandbox.clickCard({ openId: "ou_zhaomin", messageId: message.message_id, value: approve.behaviors[0].value, name: "approve" });
    expect(answer.body.toast).toEqual({ type: "success", content: "已同意" });
    await h.flush();
    expect(markdown(card(p2p).card)).toContain("**审批结果**：已同意（赵敏）");
    expect(card(p2p).card.header.title.content).toMatch(/^已同意 XT-2026-\d{6} /);
    expect(buttons(card(p2p).card)).toEqual([]);
    const groupsAfter = ["oc_city_amr", "oc_city_tax", "oc_city_hrss"].map((g) => h.sandbox.messages({ chatId: g }).length);
    expect(groupsAfter.map((n, i) => n - groupsBefore[i]!)).toEqual([1, 1, 1]);
    expect(lastText("ou_liuyang")).toContain("已由 赵敏 审批同意，已发送至承办部门");
  });

  it("退回 from the card needs a reason; 转办 needs a department, and the card moves to that group", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司欠缴社保情况" });
    await h.flush();
    const { message, card: c } = card("oc_city_amr");
    const value = buttons(c).find((b) => b.text.content === "退回").behaviors[0].value;
    const noReason = await h.sandbox.clickCard({ openId: "ou_lina", messageId: message.message_id, value, name: "return" });
    expect(noReason.body.toast).toEqual({ type: "error", content: expect.stringContaining("请填写退回原因。") });
    const transfer = buttons(c).find((b) => b.text.content === "转办").behaviors[0].value;
    const noDept = await h.sandbox.clickCard({ openId: "ou_lina", messageId: message.message_id, value: transfer, formValue: { reason: "社保属人社" } });
    expect(noDept.body.toast.content).toContain("请在「转办时填写部门」中写明转给哪个部门");
    // Someone who may not transfer is told so, before the department they typed is looked up.
    const notTheirs = await h.sandbox.clickCard({ openId: "ou_liuyang", messageId: message.message_id, value: transfer, formValue: { reason: "不归我们管", department: "不存在的局" } });
    expect(notTheirs.body.toast).toEqual({ type: "error", content: expect.stringContaining("您无权转办") });
    const hrssBefore = h.sandbox.messages({ chatId: "oc_city_hrss" }).length;
    const moved = await h.sandbox.clickCard({
      openId: "ou_lina",
      messageId: message.message_id,
      value: transfer,
      formValue: { reason: "社保缴纳属人社部门职责", department: "人社局" },
    });
    expect(moved.body.toast).toEqual({ type: "success", content: "已转办" });
    await h.flush();
    expect(markdown(card("oc_city_amr").card)).toContain("该任务已转至 市人力资源和社会保障局，本部门无需处理。");
    expect(buttons(card("oc_city_amr").card)).toEqual([]);
    expect(h.sandbox.messages({ chatId: "oc_city_hrss" })).toHaveLength(hrssBefore + 1);
    expect(buttons(card("oc_city_hrss").card).map((b) => b.text.content)).toEqual(["签收", "退回", "转办"]);
  });
});
