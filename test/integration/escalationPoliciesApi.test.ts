import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { verifyChain } from "../../src/db/repositories/audit";
import { createApp } from "../../src/http/app";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The admin API for 督办 policies: the import's schema, one policy per scope, audited on the org chain, and a
// change re-arms the steps of open tasks that have not fired yet.

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin: string;
let supervisor: string;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // Monday
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
  supervisor = (await issueApiToken(h.db.kysely, { name: "督查系统", role: "supervisor" })).token;
});
afterAll(() => h.close());

const call = async (method: string, path: string, body?: unknown, token = admin) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const superviseStep = (taskId: number) =>
  h.db.kysely.selectFrom("taskEscalations").select(["fireAt", "firedAt"]).where("taskId", "=", taskId).where("step", "=", "supervise").executeTakeFirst();

describe("/api/admin/escalation-policies", () => {
  it("only admins; bad input answered in Chinese with the field", async () => {
    expect((await call("GET", "/api/admin/escalation-policies", undefined, supervisor)).status).toBe(403);
    const bad = await call("PUT", "/api/admin/escalation-policies/licence-late", { name: "证照督办", superviseAfterWorkingDays: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("督办须在到期日之后至少 1 个工作日");
    const unknownRule = await call("PUT", "/api/admin/escalation-policies/licence-late", { name: "证照督办", rule: "no-such-rule" });
    expect(unknownRule.status).toBe(422);
    expect(unknownRule.body.error.message).toBe("引用的路由规则 no-such-rule 不存在。");
  });

  it("a new policy re-arms open tasks' unfired steps; the same again changes nothing; a second policy for the scope is refused; delete restores the default", async () => {
    const { request, tasks } = await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照 截止:2026-11-25", source: "chat" });
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number } });
    await deadlineSweep.perform(h.deps);
    const taskId = tasks[0]!.id;
    // Default: 督办 two working days after the due day (Wed 11-25 -> Fri 11-27 09:00).
    expect(new Date((await superviseStep(taskId))!.fireAt).toISOString()).toBe("2026-11-27T01:00:00.000Z");

    const saved = await call("PUT", "/api/admin/escalation-policies/licence-late", { name: "证照督办", rule: "licence", superviseAfterWorkingDays: 4 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      policy: { code: "licence-late", name: "证照督办", rule: "licence", priority: null, settings: { superviseAfterWorkingDays: 4 } },
      created: true,
      changed: true,
    });
    expect(saved.body.rearmedTasks).toBeGreaterThanOrEqual(1);
    await deadlineSweep.perform(h.deps);
    expect(new Date((await superviseStep(taskId))!.fireAt).toISOString()).toBe("2026-12-01T01:00:00.000Z"); // Tue 12-01 09:00

    const same = await call("PUT", "/api/admin/escalation-policies/licence-late", { name: "证照督办", rule: "licence", superviseAfterWorkingDays: 4 });
    expect(same.body).toMatchObject({ created: false, changed: false, rearmedTasks: 0 });
    const clash = await call("PUT", "/api/admin/escalation-policies/licence-other", { name: "另一条", rule: "licence" });
    expect(clash.status).toBe(422);
    expect(clash.body.error.message).toBe("同一适用范围（规则 licence、紧急程度 全部）已有策略 licence-late，请修改该策略。");

    const list = await call("GET", "/api/admin/escalation-policies");
    expect(list.body.items.map((p: any) => p.code)).toEqual(["licence-late"]);

    expect((await call("DELETE", "/api/admin/escalation-policies/licence-late")).status).toBe(200);
    expect((await call("DELETE", "/api/admin/escalation-policies/licence-late")).status).toBe(404);
    await deadlineSweep.perform(h.deps);
    expect(new Date((await superviseStep(taskId))!.fireAt).toISOString()).toBe("2026-11-27T01:00:00.000Z");

    const trail = await h.db.kysely.selectFrom("auditEvents").select(["action", "actorName"]).where("chain", "=", "org").where("action", "like", "escalationPolicy%").orderBy("seq").execute();
    expect(trail.map((e) => e.action)).toEqual(["escalationPolicy.create", "escalationPolicy.delete"]);
    expect((await verifyChain(h.db.kysely, "org")).ok).toBe(true);
  });
});
