import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infoRequester } from "../../src/commands/infoRequester";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestResubmitter } from "../../src/commands/requestResubmitter";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskReturner } from "../../src/commands/taskReturner";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { markOverdueRed } from "../../src/db/repositories/escalations";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { digests } from "../../src/jobs/digests";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { smallOrg } from "../support/smallOrg";

// Issue #8 item 9: the loops the audit found open — 确认办结 in 待办, 补正 never overdue, the joint-request rule.

let h: BotHarness;
const tokens = new Map<string, string>();
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { org: smallOrg });
  for (const openId of ["ou_member", "ou_amrhead", "ou_amrhandler", "ou_taxhead", "ou_sup"]) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role: "integration", userId: user.id })).token);
  }
}, 600_000);
afterAll(() => h?.close());

async function get(openId: string, path: string): Promise<any> {
  const res = await h.app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });
  expect(res.status, path).toBe(200);
  return res.json();
}
/** Delivers everything queued; after a jump of the clock the platform's token has expired and sends are retried a little later. */
async function drain(): Promise<void> {
  await h.flush();
  const pending = () =>
    h.db.kysely.selectFrom("outbox").select("id").where("deliveredAt", "is", null).where("parkedAt", "is", null).executeTakeFirst();
  for (let i = 0; i < 20 && (await pending()); i++) {
    h.advanceHours(10 / 3600);
    await h.flush();
  }
}
async function say(openId: string, text: string): Promise<string> {
  await drain();
  await h.sandbox.sendUserMessage({ openId, text });
  await drain();
  const replies = h.sandbox.messages({ receiveId: openId }).filter((m) => m.sender.sender_type === "app" && m.msg_type === "text");
  return String(JSON.parse(replies.at(-1)!.content).text);
}
const raise = async (text: string, who = "ou_member") => (await h.as(who, requestCreator, { text, source: "chat" })).request;
const stateOf = async (requestId: number, code: string) =>
  (
    await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select(["tasks.state", "tasks.everRed"])
      .where("requestId", "=", requestId)
      .where("departments.code", "=", code)
      .executeTakeFirstOrThrow()
  );

describe("a head's 待办 lists results waiting for 确认办结", () => {
  it("the API, /待办 and the chat commands: listed for the head only, confirmed or sent back, then gone", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("某企业申请注销，请协助核查");
    await h.as("ou_streethead", requestApprover, { request: { requestNumber: r.number }, decision: "approve" });
    await h.as("ou_taxdisp", taskAccepter, { task: { requestNumber: r.number, departmentCode: "tax" } });
    await h.as("ou_taxdisp", taskCompleter, { task: { requestNumber: r.number, departmentCode: "tax" }, result: "无欠税记录" });

    const todo = await get("ou_taxhead", "/api/todo");
    expect(todo.toConfirm).toEqual([
      expect.objectContaining({ number: r.number, department: "市税务局", result: "无欠税记录", state: "in_progress", light: "green", lightText: "正常" }),
    ]);
    expect((await get("ou_amrhead", "/api/todo")).toConfirm).toEqual([]);
    // Submitted and waiting: no longer the handler's to do.
    expect(await say("ou_taxdisp", "/待办")).not.toContain("待我办理");

    const chat = await say("ou_taxhead", "/待办");
    expect(chat).toContain(`待我确认办结（1）：\n· ${r.number} 某企业申请注销，请协助核查｜市税务局｜办理中｜截止`);
    expect(chat).toContain("确认：/确认办结 编号；退回重办：/退回重办 编号 理由");

    // 退回重办 needs a reason; the refusal shows a correct example.
    expect(await say("ou_taxhead", `/退回重办 ${r.number}`)).toBe("请填写退回重办的理由。\n正确示例：核查结论缺少依据，请补充执照查询截图");
    expect(await say("ou_taxhead", `/sendback ${r.number} 请附完税证明`)).toBe(`已退回重办 ${r.number}，经办人已收到理由。`);
    expect((await get("ou_taxhead", "/api/todo")).toConfirm).toEqual([]);
    expect(await say("ou_taxdisp", "/待办")).toContain(`待我办理（1）：\n· ${r.number}`);

    await h.as("ou_taxdisp", taskCompleter, { task: { requestNumber: r.number, departmentCode: "tax" }, result: "无欠税，附完税证明" });
    // Only the target head may confirm: the refusal names the role.
    expect(await say("ou_taxdisp", `/确认办结 ${r.number}`)).toContain("承办部门负责人");
    expect(await say("ou_taxhead", `/confirm ${r.number}`)).toBe(`已确认办结 ${r.number}。`);
    expect((await stateOf(r.id, "tax")).state).toBe("completed");
    expect((await get("ou_taxhead", "/api/todo")).toConfirm).toEqual([]);
    expect(await say("ou_taxhead", `/确认办结 ${r.number}`)).toContain("无需重复操作");
  });

  it("/要求补正 pauses the task from chat; /帮助 lists the new commands", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("@市监局 核查某超市进货台账");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } });
    expect(await say("ou_amrhandler", `/要求补正 ${r.number}`)).toBe("请填写需要补正的内容。\n正确示例：请补充该企业的统一社会信用代码");
    expect(await say("ou_amrhandler", `/askinfo ${r.number} 请补充供货商名单`)).toBe(`已请发起人补正 ${r.number} 的材料，补正期间暂停计时。`);
    expect((await stateOf(r.id, "amr")).state).toBe("awaiting_info");
    const help = await say("ou_member", "/帮助");
    for (const usage of ["/确认办结 编号 [意见]", "/退回重办 编号 理由", "/要求补正 编号 缺少的材料"]) expect(help).toContain(usage);
  });
});

describe("a task paused for 补正 is never counted as overdue", () => {
  it("not on the board, not in the overdue list, not marked ever red, not late in /我的 — while a running one is", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const paused = await raise("@税务局 核查甲公司纳税情况 截止:2026-11-24");
    const running = await raise("@税务局 核查乙公司纳税情况 截止:2026-11-24");
    for (const r of [paused, running]) await h.as("ou_taxdisp", taskAccepter, { task: { requestNumber: r.number } });
    await h.as("ou_taxdisp", infoRequester, { task: { requestNumber: paused.number }, question: "请补充甲公司统一社会信用代码" });

    h.setNow("2026-11-26T10:00:00+08:00"); // two working days after both were due
    await h.db.transaction((trx) => markOverdueRed(trx, h.deps.now()));
    expect((await stateOf(paused.id, "tax")).everRed).toBe(false);
    expect((await stateOf(running.id, "tax")).everRed).toBe(true);

    const cell = (await get("ou_taxhead", "/api/board")).cells.find((c: any) => c.from.code === "street" && c.to.code === "tax");
    const openTax = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("departments.code", "=", "tax")
      .where("tasks.state", "in", ["pending_accept", "in_progress", "awaiting_info"])
      .executeTakeFirstOrThrow();
    const overdueRunning = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("departments.code", "=", "tax")
      .where("tasks.state", "in", ["pending_accept", "in_progress"])
      .where("tasks.dueAt", "<", h.deps.now())
      .executeTakeFirstOrThrow();
    expect(cell.open).toBe(Number(openTax.n));
    expect(cell.overdue).toBe(Number(overdueRunning.n));
    expect(cell.overdue).toBeLessThan(cell.open);

    const overdueList = (await get("ou_taxhead", "/api/inbox?department=tax&due=overdue&limit=100")).items.map((i: any) => i.number);
    expect(overdueList).toContain(running.number);
    expect(overdueList).not.toContain(paused.number);
    const mineList = (await get("ou_member", "/api/outbox?due=overdue&limit=100")).items.map((i: any) => i.number);
    expect(mineList).toContain(running.number);
    expect(mineList).not.toContain(paused.number);

    const mine = await say("ou_member", "/我的");
    const line = (n: string) => mine.split("\n").find((l) => l.includes(n)) ?? mine;
    expect(line(running.number)).toContain("🔴 超期 2 个工作日");
    expect(line(paused.number)).toContain("暂停计时（待补正）");
    expect(line(paused.number)).not.toContain("🔴");
  });
});

describe("the light in words in /待办 and /我的, and the board's 临期 count", () => {
  it("a task due tomorrow is 🟡 临期 with its time; the board counts it as due soon", async () => {
    h.setNow("2026-11-30T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查丙公司营业执照 截止:2026-12-01");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } });
    h.setNow("2026-11-30T18:00:00+08:00");
    const todo = await say("ou_amrhandler", "/待办");
    expect(todo.split("\n").find((l) => l.includes(r.number))).toMatch(/｜🟡 临期 · 明天 17:30 到期$/);
    expect((await say("ou_amrhandler", "/我的")).split("\n").find((l) => l.includes(r.number))).toMatch(/｜🟡 临期 · 明天 17:30 到期$/);
    const listed = (await get("ou_amrhandler", "/api/todo")).toHandle.find((i: any) => i.number === r.number);
    expect(listed).toMatchObject({ light: "yellow", lightText: "临期" });
    const cell = (await get("ou_amrhead", "/api/board")).cells.find((c: any) => c.from.code === "street" && c.to.code === "amr");
    expect(cell.dueSoon).toBeGreaterThanOrEqual(1);
    h.setNow("2026-12-02T10:00:00+08:00");
    const cellLater = (await get("ou_amrhead", "/api/board")).cells.find((c: any) => c.from.code === "street" && c.to.code === "amr");
    expect(cellLater.dueSoon).toBe(cell.dueSoon - 1);
    expect(cellLater.overdue).toBeGreaterThanOrEqual(1);
    expect((await say("ou_amrhandler", "/待办")).split("\n").find((l) => l.includes(r.number))).toMatch(/｜🔴 超期 1 个工作日$/);
  });
});

describe("a joint request: the lead completes last, never past a returned part, with every department's result", () => {
  it("refuses while a supporting task is returned, naming it and what to do; after resubmission the answer lists every department", async () => {
    h.setNow("2026-12-03T10:00:00+08:00");
    const r = await raise("某企业申请注销，请协助核查材料");
    await h.as("ou_streethead", requestApprover, { request: { requestNumber: r.number }, decision: "approve" });
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number, departmentCode: "amr" } });
    await h.as("ou_hrssdisp", taskAccepter, { task: { requestNumber: r.number, departmentCode: "hrss" } });
    await h.as("ou_hrsshead", taskCompleter, { task: { requestNumber: r.number, departmentCode: "hrss" }, result: "社保已清算" });
    await h.as("ou_taxdisp", taskReturner, { task: { requestNumber: r.number, departmentCode: "tax" }, reason: "该企业不在本局征管范围" });

    const refusal = `协办部门 市税务局 已退回其任务，主办部门暂不能办结。请发起人重新提交或改投其他部门（在小程序中打开 ${r.number}，点「重新提交」），连续两个部门退回的由督查指定责任部门；如不再需要，可由发起人撤回整个事项。`;
    await expect(h.as("ou_amrhead", taskCompleter, { task: { requestNumber: r.number, departmentCode: "amr" }, result: "准予注销" })).rejects.toThrow(refusal);
    expect(await say("ou_amrhead", `/办结 ${r.number} 准予注销`)).toBe(`${refusal}\n正确示例：/查询 ${r.number}`);
    expect((await stateOf(r.id, "amr")).state).toBe("in_progress");

    const taxTask = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select("tasks.id")
      .where("requestId", "=", r.id)
      .where("departments.code", "=", "tax")
      .executeTakeFirstOrThrow();
    await h.as("ou_member", requestResubmitter, { task: { taskId: taxTask.id }, note: "已补充企业税务登记号" });
    await expect(h.as("ou_amrhead", taskCompleter, { task: { requestNumber: r.number, departmentCode: "amr" }, result: "准予注销" })).rejects.toThrow(
      /尚未办结：市税务局/,
    );
    await h.as("ou_taxdisp", taskAccepter, { task: { taskId: taxTask.id } });
    await h.as("ou_taxhead", taskCompleter, { task: { taskId: taxTask.id }, result: "无欠税" });
    const done = await h.as("ou_amrhead", taskCompleter, { task: { requestNumber: r.number, departmentCode: "amr" }, result: "准予注销" });
    expect(done.request.status).toBe("completed");

    const final = await h.db.kysely.selectFrom("outbox").selectAll().where("requestId", "=", r.id).where("topic", "=", "task.completed").execute();
    expect(final.map((m) => m.recipientId)).toEqual(["ou_member"]);
    expect(final[0]!.payload).toMatchObject({
      result: "准予注销",
      supportingResults: [
        { department: "市税务局", result: "无欠税" },
        { department: "市人力资源和社会保障局", result: "社保已清算" },
      ],
    });
    // The detail shows every department with its result.
    const detail = await get("ou_member", `/api/requests/${r.number}`);
    expect(detail.tasks.map((t: any) => `${t.department}：${t.result}`)).toEqual(
      expect.arrayContaining(["市市场监督管理局：准予注销", "市税务局：无欠税", "市人力资源和社会保障局：社保已清算"]),
    );
  });
});

describe("the digest opt-out (每日待办提醒)", () => {
  const put = (openId: string, body: unknown) =>
    h.app.request("/api/me/settings", {
      method: "PUT",
      headers: { authorization: `Bearer ${tokens.get(openId)}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const digestsTo = async (openId: string) =>
    (await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "deadline.notice").where("recipientId", "=", openId).execute())
      .map((m) => (m.payload as { title: string }).title)
      .filter((t) => t.startsWith("今日待办提醒"));

  it("a person turns it off with PUT /api/me/settings (audited), gets no morning list, and turns it on again", async () => {
    expect((await get("ou_amrhandler", "/api/me")).settings).toEqual({ dailyDigest: true });
    const bad = await put("ou_amrhandler", { dailyDigest: "关" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("dailyDigest 只能是 true（接收每日待办提醒）或 false（不接收）");
    const off = await put("ou_amrhandler", { dailyDigest: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ dailyDigest: false });
    expect((await get("ou_amrhandler", "/api/me")).settings).toEqual({ dailyDigest: false });
    const audit = await h.db.kysely.selectFrom("auditEvents").select(["actorName", "data"]).where("chain", "=", "org").where("action", "=", "settings").execute();
    expect(audit).toEqual([{ actorName: "王芳", data: { openId: "ou_amrhandler", dailyDigest: false } }]);

    h.setNow("2026-12-07T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查丁公司营业执照 截止:2026-12-08");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } });
    await deadlineSweep.perform(h.deps);
    h.setNow("2026-12-08T09:05:00+08:00");
    await digests.perform(h.deps);
    expect(await digestsTo("ou_amrhandler")).toEqual([]);

    expect(await (await put("ou_amrhandler", { dailyDigest: true })).json()).toEqual({ dailyDigest: true });
    h.setNow("2026-12-09T09:05:00+08:00");
    await digests.perform(h.deps);
    expect(await digestsTo("ou_amrhandler")).toHaveLength(1);
  });
});
