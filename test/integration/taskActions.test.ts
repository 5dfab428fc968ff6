import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentAdder } from "../../src/commands/commentAdder";
import { completionReviewer } from "../../src/commands/completionReviewer";
import { infoRequester } from "../../src/commands/infoRequester";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestResubmitter } from "../../src/commands/requestResubmitter";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskArbitrator } from "../../src/commands/taskArbitrator";
import { taskAssigner } from "../../src/commands/taskAssigner";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskReturner } from "../../src/commands/taskReturner";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { taskUrger } from "../../src/commands/taskUrger";
import { runCommand } from "../../src/commands/context";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { pendingWorkFor } from "../../src/db/repositories/views";
import { ADMIN, createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const raise = async (text: string, who = "ou_member") => (await h.as(who, requestCreator, { text, source: "chat" })).request;
const taskOf = (requestId: number, code?: string) =>
  h.db.kysely
    .selectFrom("tasks")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .selectAll("tasks")
    .select("departments.code")
    .where("requestId", "=", requestId)
    .$if(!!code, (q) => q.where("departments.code", "=", code!))
    .executeTakeFirstOrThrow();
const topics = async (requestId: number) =>
  (await h.db.kysely.selectFrom("outbox").select(["topic", "recipientId"]).where("requestId", "=", requestId).orderBy("id").execute()).map(
    (m) => `${m.topic}>${m.recipientId}`,
  );

describe("assigning a handler after 签收 (分办)", () => {
  it("the dispatcher names a handler, then another; each is told, and the trail records who changed it", async () => {
    const r = await raise("@市监局 核查某超市进货台账");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number } });
    expect((await taskOf(r.id)).assigneeId).toBeNull();
    // Accepted without a handler: every handler of the department sees it in 待办 until someone is named.
    const todoOf = async (openId: string) => (await pendingWorkFor(h.db.kysely, await h.actor(openId))).toHandle.map((t) => t.number);
    expect(await todoOf("ou_amrhandler")).toContain(r.number);
    expect(await todoOf("ou_amrhandler2")).toContain(r.number);
    expect(await todoOf("ou_taxdisp")).not.toContain(r.number);
    const toAssign = async (openId: string) => (await pendingWorkFor(h.db.kysely, await h.actor(openId))).toAssign.map((t) => t.number);
    expect(await toAssign("ou_amrdisp")).toContain(r.number);
    expect(await toAssign("ou_amrhead")).toContain(r.number);
    expect(await toAssign("ou_amrhandler")).toEqual([]);
    // Not before 签收, not by a handler, not to someone outside the department.
    const other = await raise("@市监局 核查另一家超市");
    await expect(h.as("ou_amrdisp", taskAssigner, { task: { requestNumber: other.number }, assignee: { openId: "ou_amrhandler" } })).rejects.toThrow(
      "无法指派经办人：该任务当前状态为「待签收」，只有处于「办理中」「待补正」状态时才能指派经办人。",
    );
    await expect(h.as("ou_amrhandler", taskAssigner, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } })).rejects.toThrow(
      "您无权指派经办人：只有承办部门收件员或承办部门负责人可以指派经办人。您的身份：承办部门经办人。您可以办结、补充说明。",
    );
    await expect(h.as("ou_amrdisp", taskAssigner, { task: { requestNumber: r.number }, assignee: { openId: "ou_taxdisp" } })).rejects.toThrow(
      "吴敏不是市市场监督管理局的经办人或负责人，不能指定为经办人。可以指定：王芳、孙强、张伟。",
    );
    await h.as("ou_amrdisp", taskAssigner, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } });
    await expect(h.as("ou_amrdisp", taskAssigner, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } })).rejects.toThrow("该任务已由此人经办，无需重新指派。");
    const { task } = await h.as("ou_amrhead", taskAssigner, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler2" } });
    expect(await todoOf("ou_amrhandler")).not.toContain(r.number);
    expect(await todoOf("ou_amrhandler2")).toContain(r.number);
    expect(await toAssign("ou_amrdisp")).not.toContain(r.number);
    expect(task.state).toBe("in_progress");
    const wang = await h.actor("ou_amrhandler");
    const sun = await h.actor("ou_amrhandler2");
    expect(task.assigneeId).toBe(sun.kind === "user" ? sun.id : -1);
    const sent = await topics(r.id);
    expect(sent).toEqual(expect.arrayContaining(["task.assigned>ou_amrhandler", "task.assigned>ou_amrhandler2", "task.unassigned>ou_amrhandler"]));
    const trail = (await listAudit(h.db.kysely, r.id)).filter((e) => e.action === "assign");
    expect(trail.map((e) => [e.actorName, e.fromState, e.toState, e.data])).toEqual([
      ["李娜", "in_progress", "in_progress", { from: null, to: wang.kind === "user" ? wang.id : -1, departmentCode: "amr", departmentName: "市市场监督管理局" }],
      ["张伟", "in_progress", "in_progress", { from: wang.kind === "user" ? wang.id : -1, to: sun.kind === "user" ? sun.id : -1, departmentCode: "amr", departmentName: "市市场监督管理局" }],
    ]);
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
    // The handler no longer assigned cannot complete it; the new one can.
    await expect(h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: r.number }, result: "已核查" })).rejects.toThrow(/您无权办结/);
    expect((await h.as("ou_amrhandler2", taskCompleter, { task: { requestNumber: r.number }, result: "台账齐全" })).task.state).toBe("completed");
  });
});

describe("return, resubmit and arbitration (退回 / 指定)", () => {
  it("a return needs a reason; the requester may resubmit to another department", async () => {
    const r = await raise("@市监局 核查某公司欠缴情况");
    await expect(h.as("ou_amrdisp", taskReturner, { task: { requestNumber: r.number }, reason: "" })).rejects.toThrow("请填写退回原因。");
    const { task, request } = await h.as("ou_amrdisp", taskReturner, { task: { requestNumber: r.number }, reason: "欠缴核查不属于市场监管职责" });
    expect(task.state).toBe("returned");
    expect(request.status).toBe("returned");
    expect(await topics(r.id)).toContain("task.returned>ou_member");
    await expect(h.as("ou_member2", requestResubmitter, { task: { requestNumber: r.number }, toDepartment: "tax" })).rejects.toThrow(/您无权重新提交/);
    const again = await h.as("ou_member", requestResubmitter, { task: { requestNumber: r.number }, toDepartment: "tax", note: "改发税务局" });
    expect(again.task.state).toBe("pending_accept");
    expect((await taskOf(r.id)).code).toBe("tax");
  });

  it("a second department in a row returning it sends it to the supervisors, who name one that cannot return it", async () => {
    const r = await raise("@市监局 核查某公司社保欠费");
    await h.as("ou_amrdisp", taskReturner, { task: { requestNumber: r.number }, reason: "不属于本部门" });
    await h.as("ou_member", requestResubmitter, { task: { requestNumber: r.number }, toDepartment: "tax" });
    const { task } = await h.as("ou_taxdisp", taskReturner, { task: { requestNumber: r.number }, reason: "社保费由人社局核定" });
    expect(task.arbitrationPending).toBe(true);
    expect(await topics(r.id)).toContain("task.arbitration_requested>ou_sup");
    await expect(h.as("ou_member", requestResubmitter, { task: { requestNumber: r.number } })).rejects.toThrow(/等待督查指定/);
    await expect(h.as("ou_amrhead", taskArbitrator, { task: { requestNumber: r.number }, department: "hrss", comment: "人社局负责" })).rejects.toThrow(
      /您无权督查指定/,
    );
    const named = await h.as("ou_sup", taskArbitrator, { task: { requestNumber: r.number }, department: "hrss", comment: "依职责由人社局办理" });
    expect(named.task).toMatchObject({ state: "pending_accept", arbitrated: true, arbitrationPending: false });
    expect(await topics(r.id)).toContain("task.announced>oc_hrss");
    await expect(h.as("ou_hrssdisp", taskReturner, { task: { requestNumber: r.number }, reason: "不是我们的" })).rejects.toThrow(
      "该任务已由督查指定由本部门办理，不能再退回。",
    );
  });

  it("the same department returning twice is not two departments", async () => {
    const r = await raise("@市监局 核查某店铺");
    await h.as("ou_amrdisp", taskReturner, { task: { requestNumber: r.number }, reason: "信息不全" });
    await h.as("ou_member", requestResubmitter, { task: { requestNumber: r.number }, note: "补充了店铺地址" });
    const { task } = await h.as("ou_amrdisp", taskReturner, { task: { requestNumber: r.number }, reason: "仍然不全" });
    expect(task.arbitrationPending).toBe(false);
  });
});

describe("transfer (转办)", () => {
  it("moves the task to the owning department, at most three times without an admin", async () => {
    const r = await raise("@市监局 核查某企业经营状况");
    await expect(h.as("ou_amrdisp", taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "amr", reason: "x" })).rejects.toThrow(
      "不能转办给本部门。",
    );
    await h.as("ou_amrdisp", taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "tax", reason: "属税务职责" });
    expect(await topics(r.id)).toEqual(expect.arrayContaining(["task.transferred>ou_member", "task.announced>ou_taxdisp"]));
    await h.as("ou_taxdisp", taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "hrss", reason: "属人社职责" });
    await h.as("ou_hrssdisp", taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "amr", reason: "还是市监" });
    await expect(h.as("ou_amrdisp", taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "tax", reason: "再转" })).rejects.toThrow(
      /已转办 3 次，超过 3 次后需由管理员转办/,
    );
    const admin = await h.actor("ou_admin");
    await runCommand(h.deps, admin, taskTransferrer, { task: { requestNumber: r.number }, toDepartment: "tax", reason: "管理员调整" });
    const trail = await listAudit(h.db.kysely, r.id);
    expect(trail.filter((e) => e.action === "transfer").map((e) => [e.data.fromDepartment, e.data.toDepartment])).toEqual([
      ["amr", "tax"],
      ["tax", "hrss"],
      ["hrss", "amr"],
      ["amr", "tax"],
    ]);
  });
});

describe("request info (补正) pauses the clock", () => {
  it("moves the deadline by the working time spent waiting", async () => {
    h.setNow("2026-11-23T10:00:00+08:00"); // Monday
    const r = await raise("核查某公司营业执照"); // licence rule: 3 working days -> Thursday 17:30
    expect(new Date((await taskOf(r.id)).dueAt).toISOString()).toBe("2026-11-26T09:30:00.000Z");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { openId: "ou_amrhandler" } });
    h.setNow("2026-11-23T11:00:00+08:00");
    const { task } = await h.as("ou_amrhandler", infoRequester, { task: { requestNumber: r.number }, question: "请补充统一社会信用代码" });
    expect(task.state).toBe("awaiting_info");
    expect(await topics(r.id)).toContain("task.info_requested>ou_member");
    h.setNow("2026-11-25T11:00:00+08:00"); // two working days later
    await h.as("ou_member", commentAdder, { requestNumber: r.number, body: "信用代码 91330100MA2XXXXX" });
    const after = await taskOf(r.id);
    expect(after.state).toBe("in_progress");
    // Thursday 17:30 + 2 working days = next Monday 17:30.
    expect(new Date(after.dueAt).toISOString()).toBe("2026-11-30T09:30:00.000Z");
    const comments = await h.db.kysely.selectFrom("comments").select(["kind", "body"]).where("requestId", "=", r.id).orderBy("id").execute();
    expect(comments).toEqual([
      { kind: "info_request", body: "请补充统一社会信用代码" },
      { kind: "info_supply", body: "信用代码 91330100MA2XXXXX" },
    ]);
    expect(await topics(r.id)).toContain("task.info_supplied>ou_amrhandler");
  });
});

describe("joint handling (联办) with completion review", () => {
  it("supporting departments finish first, the lead last; the head confirms results", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("某企业申请注销，请协助核查");
    const approved = await h.as("ou_streethead", requestApprover, { request: { requestNumber: r.number }, decision: "approve" });
    expect(approved.tasks.map((t) => t.role)).toEqual(["lead", "supporting", "supporting"]);
    for (const [who, code] of [["ou_amrdisp", "amr"], ["ou_taxdisp", "tax"], ["ou_hrssdisp", "hrss"]] as const) {
      await h.as(who, taskAccepter, { task: { requestNumber: r.number, departmentCode: code } });
    }
    const amrTask = await taskOf(r.id, "amr");
    await h.as("ou_amrhead", taskAccepter, { task: { taskId: amrTask.id } }).catch(() => undefined);
    await expect(h.as("ou_amrhead", taskCompleter, { task: { requestNumber: r.number }, result: "可以注销" })).rejects.toThrow(
      /主办部门需在协办部门全部办结后办结，尚未办结：市税务局、市人力资源和社会保障局/,
    );
    // The tax handler submits; the result waits for the tax head.
    const submitted = await h.as("ou_taxdisp", taskCompleter, { task: { requestNumber: r.number }, result: "无欠税" });
    expect(submitted.task).toMatchObject({ state: "in_progress", reviewPending: true });
    expect(await topics(r.id)).toContain("task.review_requested>ou_taxhead");
    await expect(h.as("ou_taxdisp", taskCompleter, { task: { requestNumber: r.number }, result: "无欠税" })).rejects.toThrow(/正等待本部门负责人确认/);
    const sentBack = await h.as("ou_taxhead", completionReviewer, { task: { requestNumber: r.number }, decision: "sendBack", comment: "请附完税证明" });
    expect(sentBack.task).toMatchObject({ state: "in_progress", reviewPending: false });
    await h.as("ou_taxdisp", taskCompleter, { task: { requestNumber: r.number }, result: "无欠税，附完税证明" });
    await h.as("ou_taxhead", completionReviewer, { task: { requestNumber: r.number }, decision: "confirm" });
    // A head completing their own department's part needs no second confirmation.
    await h.as("ou_hrsshead", taskCompleter, { task: { requestNumber: r.number }, result: "社保已清算" });
    expect(await topics(r.id)).toEqual(expect.arrayContaining(["task.supporting_completed>ou_amrdisp"]));
    const done = await h.as("ou_amrhead", taskCompleter, { task: { requestNumber: r.number }, result: "准予注销" });
    expect(done.request.status).toBe("completed");
    const final = await h.db.kysely.selectFrom("outbox").selectAll().where("requestId", "=", r.id).where("topic", "=", "task.completed").execute();
    expect(final).toHaveLength(1);
    expect(final[0]!.recipientId).toBe("ou_member");
    expect(final[0]!.payload.supportingResults).toEqual(
      expect.arrayContaining([
        { department: "市税务局", result: "无欠税，附完税证明" },
        { department: "市人力资源和社会保障局", result: "社保已清算" },
      ]),
    );
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
  });
});

describe("urge, comment and withdraw", () => {
  it("urges once per task per 4 hours", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("@市监局 @税务局 联合核查某企业");
    await expect(h.as("ou_amrdisp", taskUrger, { requestNumber: r.number })).rejects.toThrow(/您无权催办/);
    expect(await h.as("ou_member", taskUrger, { requestNumber: r.number })).toEqual({ urged: 2 });
    h.advanceHours(1);
    await expect(h.as("ou_member", taskUrger, { requestNumber: r.number })).rejects.toThrow("每个任务 4 小时内只能催办一次，下次可催办时间：11/23 14:00。");
    h.advanceHours(3);
    expect(await h.as("ou_sup", taskUrger, { requestNumber: r.number, departmentCode: "tax" })).toEqual({ urged: 1 });
    expect((await topics(r.id)).filter((t) => t.startsWith("task.urged"))).toEqual(["task.urged>oc_amr", "task.urged>ou_taxhead", "task.urged>ou_taxdisp", "task.urged>ou_taxhead", "task.urged>ou_taxdisp"]);
  });

  it("comments reach the other side; outsiders may not comment", async () => {
    const r = await raise("@市监局 核查营业执照");
    await expect(h.as("ou_taxdisp", commentAdder, { requestNumber: r.number, body: "我也想看看" })).rejects.toThrow("您无权补充说明：只有该事项的参与人可以补充说明。您不是该事项的参与人。");
    await h.as("ou_amrdisp", commentAdder, { requestNumber: r.number, body: "已收到，正在安排" });
    expect(await topics(r.id)).toContain("request.commented>ou_member");
  });

  it("withdraw needs a reason, cancels every unfinished task, and cannot be repeated", async () => {
    const r = await raise("@市监局 @税务局 联合核查某企业");
    await expect(h.as("ou_member", requestWithdrawer, { request: { requestNumber: r.number }, reason: " " })).rejects.toThrow("请填写撤回原因。");
    await expect(h.as("ou_member2", requestWithdrawer, { request: { requestNumber: r.number }, reason: "x" })).rejects.toThrow(/您无权撤回/);
    const { request, tasks } = await h.as("ou_member", requestWithdrawer, { request: { requestNumber: r.number }, reason: "企业已迁出" });
    expect(request.status).toBe("cancelled");
    expect(tasks.map((t) => t.state)).toEqual(["cancelled", "cancelled"]);
    await expect(h.as("ou_member", requestWithdrawer, { request: { requestNumber: r.number }, reason: "再撤一次" })).rejects.toThrow(
      /已由 刘洋 撤回/,
    );
  });

  it("unknown request numbers get a clear answer with an example", async () => {
    await expect(h.as("ou_member", taskUrger, { requestNumber: "XT-2026-999999" })).rejects.toThrow("找不到编号为 XT-2026-999999 的协同事项，或您无权查看。");
  });

  it("an API token that is no person cannot act on tasks", async () => {
    const r = await raise("@市监局 核查营业执照");
    await expect(runCommand(h.deps, ADMIN, taskAccepter, { task: { requestNumber: r.number } })).rejects.toThrow(/您无权签收/);
  });
});

describe("the audit trail of all of the above", () => {
  it("has a record for every kind of command, and every chain verifies", async () => {
    const actions = await h.db.kysely.selectFrom("auditEvents").select("action").distinct().execute();
    expect(actions.map((a) => a.action).sort()).toEqual(
      [
        "accept",
        "approve",
        "arbitrate",
        "assign",
        "comment",
        "complete",
        "confirmCompletion",
        "create",
        "import",
        "requestInfo",
        "resubmit",
        "return",
        "sendBack",
        "supplyInfo",
        "transfer",
        "urge",
        "withdraw",
      ].sort(),
    );
    const chains = await h.db.kysely.selectFrom("auditEvents").select("chain").distinct().execute();
    for (const { chain } of chains) expect(await verifyChain(h.db.kysely, chain), chain).toMatchObject({ ok: true });
  });
});
