import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { appendAudit, requestChain } from "../../src/db/repositories/audit";
import { createApp } from "../../src/http/app";
import { RequestDetailSchema } from "../../src/http/schemas";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 留痕 as the request's page shows it (GET /api/requests/<编号>, what the mini-app renders): every entry as it
// was recorded, so a 转办 does not move an earlier 审批同意 to the department the task went to.

let h: Harness;
let app: ReturnType<typeof createApp>;
let requesterToken = "";
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  const member = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", "ou_member").executeTakeFirstOrThrow();
  requesterToken = (await issueApiToken(h.db.kysely, { name: "小程序", role: "integration", userId: member.id })).token;
});
afterAll(() => h.close());

async function trailOf(number: string) {
  const res = await app.request(`/api/requests/${number}`, { headers: { authorization: `Bearer ${requesterToken}` } });
  expect(res.status).toBe(200);
  const detail = RequestDetailSchema.parse(await res.json());
  return detail.timeline.map((e) => ({ actor: e.actor, action: e.action, department: e.department, toDepartment: e.toDepartment, note: e.note }));
}

describe("the trail of a transferred request", () => {
  it("keeps 审批同意 at the department it was approved for; 转办 shows from -> to", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "请提供某企业纳税证明", source: "miniapp" });
    await h.as("ou_streethead", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    await h.as("ou_taxdisp", taskTransferrer, { task: { requestNumber: request.number }, toDepartment: "amr", reason: "涉及营业执照，属市场监管职责" });
    expect(await trailOf(request.number)).toEqual([
      { actor: "刘洋", action: "发起", department: null, toDepartment: null, note: null },
      { actor: "赵敏", action: "审批同意", department: "市税务局", toDepartment: null, note: null },
      { actor: "吴敏", action: "转办", department: "市税务局", toDepartment: "市市场监督管理局", note: "涉及营业执照，属市场监管职责" },
    ]);
  });

  it("entries recorded before department names were kept follow the recorded codes, not the task's department now", async () => {
    // A trail as the earlier code wrote it: no department in 审批同意, codes only in 转办.
    const { request, tasks } = await h.as("ou_member", requestCreator, { text: "请提供另一企业纳税证明", source: "miniapp" });
    const [tax, amr] = await Promise.all(["tax", "amr"].map((code) => h.db.kysely.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow()));
    await h.db.transaction(async (trx) => {
      const at = h.deps.now();
      const base = { chain: requestChain(request.id), requestId: request.id, taskId: tasks[0]!.id, at };
      await appendAudit(trx, { ...base, actorId: null, actorName: "赵敏", action: "approve", fromState: "pending_approval", toState: "pending_accept", data: {} });
      await appendAudit(trx, { ...base, actorId: null, actorName: "吴敏", action: "transfer", fromState: "pending_accept", toState: "pending_accept", data: { fromDepartment: "tax", toDepartment: "amr", reason: "属市场监管职责" } });
      await trx.updateTable("tasks").set({ departmentId: amr!.id }).where("id", "=", tasks[0]!.id).where("departmentId", "=", tax!.id).execute();
    });
    expect((await trailOf(request.number)).slice(1)).toEqual([
      { actor: "赵敏", action: "审批同意", department: "市税务局", toDepartment: null, note: null },
      { actor: "吴敏", action: "转办", department: "市税务局", toDepartment: "市市场监督管理局", note: "属市场监管职责" },
    ]);
  });
});
