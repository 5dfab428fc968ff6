import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // a Monday
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const outbox = (requestId: number) =>
  h.db.kysely.selectFrom("outbox").selectAll().where("requestId", "=", requestId).orderBy("id").execute();

describe("a request from raising to rating", () => {
  let requestId: number;
  let number: string;

  it("raises a request with an explicit target and an earlier deadline", async () => {
    const { request, tasks, plan } = await h.as("ou_member", requestCreator, {
      text: "@市监局 核查某公司营业执照 截止:2个工作日",
      source: "chat",
    });
    requestId = request.id;
    number = request.number;
    expect(number).toBe("XT-2026-000001");
    expect(request.status).toBe("pending_accept");
    expect(request.title).toBe("核查某公司营业执照");
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.role).toBe("lead");
    // Monday + 2 working days = Wednesday 17:30 Shanghai.
    expect(new Date(tasks[0]!.dueAt).toISOString()).toBe("2026-11-25T09:30:00.000Z");
    expect(plan.rule?.code).toBe("licence"); // the matching rule still supplies the policy
    const sent = await outbox(request.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: "task.announced", recipientType: "chat_id", recipientId: "oc_amr", cardKey: `task:${tasks[0]!.id}:inbound` });
    expect(sent[0]!.payload).toMatchObject({ number, title: "核查某公司营业执照", departmentName: "市市场监督管理局" });
  });

  it("numbers the next request of the year in sequence", async () => {
    const { request } = await h.as("ou_member2", requestCreator, { text: "@税务局 请提供某企业纳税证明", source: "miniapp" });
    expect(request.number).toBe("XT-2026-000002");
  });

  it("refuses to let a handler accept; the dispatcher accepts and names a handler", async () => {
    await expect(h.as("ou_amrhandler", taskAccepter, { task: { requestNumber: number } })).rejects.toThrow(/您无权签收/);
    const { task } = await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_amrhandler" } });
    expect(task.state).toBe("in_progress");
    const handler = await h.actor("ou_amrhandler");
    expect(task.assigneeId).toBe(handler.kind === "user" ? handler.id : -1);
    const topics = (await outbox(requestId)).map((m) => `${m.topic}>${m.recipientId}`);
    expect(topics).toContain("task.accepted>ou_member");
    expect(topics).toContain("task.assigned>ou_amrhandler");
  });

  it("a second accept is answered with who already did it", async () => {
    await expect(h.as("ou_amrhead", taskAccepter, { task: { requestNumber: number } })).rejects.toThrow(
      "该任务已由 李娜 签收，当前状态为「办理中」，无需重复操作。",
    );
  });

  it("another handler than the assignee may not complete it", async () => {
    await expect(h.as("ou_amrhandler2", taskCompleter, { task: { requestNumber: number }, result: "已核查" })).rejects.toThrow(/您无权办结/);
  });

  it("the assignee completes it with a result; the requester is told", async () => {
    await expect(h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: number }, result: "  " })).rejects.toThrow("请填写办结结果。");
    h.advanceHours(3);
    const { task, request } = await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: number }, result: "经核查，该公司营业执照真实有效" });
    expect(task.state).toBe("completed");
    expect(request.status).toBe("completed");
    expect(request.closedAt).not.toBeNull();
    const done = (await outbox(requestId)).find((m) => m.topic === "task.completed");
    expect(done).toMatchObject({ recipientId: "ou_member" });
    expect(done!.payload).toMatchObject({ result: "经核查，该公司营业执照真实有效" });
  });

  it("only the requester rates, once; 不满意 needs a comment", async () => {
    await expect(h.as("ou_amrhead", taskEvaluator, { task: { requestNumber: number }, score: 5 })).rejects.toThrow(/您无权评价/);
    await expect(h.as("ou_member", taskEvaluator, { task: { requestNumber: number }, score: 2 })).rejects.toThrow(/请写明原因/);
    await expect(h.as("ou_member", taskEvaluator, { task: { requestNumber: number }, score: 6 })).rejects.toThrow(/1 到 5/);
    await h.as("ou_member", taskEvaluator, { task: { requestNumber: number }, score: 5, comment: "很及时" });
    await expect(h.as("ou_member", taskEvaluator, { task: { requestNumber: number }, score: 4 })).rejects.toThrow(
      "该任务已由 刘洋 评价为「非常满意」，不能重复评价。",
    );
  });

  it("keeps an audit trail of every step that verifies", async () => {
    const trail = await listAudit(h.db.kysely, requestId);
    expect(trail.map((e) => [e.action, e.actorName, e.fromState, e.toState])).toEqual([
      ["create", "刘洋", null, "pending_accept"],
      ["accept", "李娜", "pending_accept", "in_progress"],
      ["complete", "王芳", "in_progress", "completed"],
      ["evaluate", "刘洋", "completed", "completed"],
    ]);
    expect(trail[3]!.data).toMatchObject({ score: 5, comment: "很及时" });
    expect(await verifyChain(h.db.kysely, `request:${requestId}`)).toEqual({ ok: true, records: 4 });
  });

  it("refuses to change or delete audit records", async () => {
    await expect(sql`update audit_events set actor_name = '别人' where request_id = ${requestId}`.execute(h.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where request_id = ${requestId}`.execute(h.db.kysely)).rejects.toThrow(/append-only/);
  });

  it("detects a record edited behind the trigger's back", async () => {
    // Someone with database rights disables the guard and rewrites history.
    await sql`alter table audit_events disable trigger audit_events_no_change`.execute(h.db.kysely);
    await sql`update audit_events set data = jsonb_set(data, '{result}', '"未核查"') where request_id = ${requestId} and action = 'complete'`.execute(h.db.kysely);
    await sql`alter table audit_events enable trigger audit_events_no_change`.execute(h.db.kysely);
    const check = await verifyChain(h.db.kysely, `request:${requestId}`);
    expect(check.ok).toBe(false);
    expect(check.brokenAt).toEqual({ seq: 3, reason: "记录内容与其哈希不符（被篡改）" });
  });
});
