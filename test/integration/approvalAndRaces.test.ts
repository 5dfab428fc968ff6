import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const topics = async (requestId: number) =>
  (await h.db.kysely.selectFrom("outbox").select(["topic", "recipientId"]).where("requestId", "=", requestId).orderBy("id").execute()).map(
    (m) => `${m.topic}>${m.recipientId}`,
  );

describe("outbound approval", () => {
  it("a rule with outboundApproval waits for the requesting head and asks every head", async () => {
    const { request, tasks } = await h.as("ou_member", requestCreator, { text: "请出具某企业纳税证明", source: "chat" });
    expect(request.status).toBe("pending_approval");
    expect(tasks.map((t) => t.state)).toEqual(["pending_approval"]);
    expect(await topics(request.id)).toEqual(["request.approval_requested>ou_streethead", "request.approval_requested>ou_streethead2"]);
  });

  it("only a head of the requesting department approves; then the task reaches its department", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "查询某企业欠税情况", source: "chat" });
    await expect(h.as("ou_member", requestApprover, { request: { requestNumber: request.number }, decision: "approve" })).rejects.toThrow(
      "您无权审批同意：只有发起部门负责人可以审批同意。您的身份：发起人。您可以催办、撤回、补充说明。",
    );
    await expect(h.as("ou_taxhead", requestApprover, { request: { requestNumber: request.number }, decision: "approve" })).rejects.toThrow(/您无权/);
    const { request: after, tasks } = await h.as("ou_streethead", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    expect(after.status).toBe("pending_accept");
    expect(tasks[0]!.state).toBe("pending_accept");
    // The tax bureau has no work group: its dispatcher and head are told in private chat.
    expect(await topics(request.id)).toEqual(
      expect.arrayContaining(["task.announced>ou_taxhead", "task.announced>ou_taxdisp", "request.approved>ou_member"]),
    );
  });

  it("rejecting needs a reason and ends the request as 未通过", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "请出具某企业纳税证明", source: "chat" });
    await expect(h.as("ou_streethead", requestApprover, { request: { requestNumber: request.number }, decision: "reject" })).rejects.toThrow(
      "请填写驳回理由。",
    );
    const { request: after } = await h.as("ou_streethead", requestApprover, {
      request: { requestNumber: request.number },
      decision: "reject",
      comment: "请先补充企业信用代码",
    });
    expect(after.status).toBe("rejected");
    const trail = await listAudit(h.db.kysely, request.id);
    expect(trail.at(-1)).toMatchObject({ action: "reject", actorName: "赵敏", fromState: "pending_approval", toState: "rejected" });
    expect(trail.at(-1)!.data).toEqual({ comment: "请先补充企业信用代码", departmentCode: "tax", departmentName: "市税务局" });
  });

  it("a head raising a request needs no approval of their own", async () => {
    const { request } = await h.as("ou_streethead", requestCreator, { text: "请出具某企业纳税证明", source: "chat" });
    expect(request.status).toBe("pending_accept");
    const [create] = await listAudit(h.db.kysely, request.id);
    expect(create!.data).toMatchObject({ autoApproved: true });
  });
});

describe("concurrent conflicting actions", () => {
  it("two heads approving at once: one approval, one clear 'already approved by X'", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "请出具某企业纳税证明", source: "chat" });
    const [a, b] = [await h.actor("ou_streethead"), await h.actor("ou_streethead2")];
    const { runCommand } = await import("../../src/commands/context");
    const results = await Promise.allSettled([
      runCommand(h.deps, a, requestApprover, { request: { requestNumber: request.number }, decision: "approve" }),
      runCommand(h.deps, b, requestApprover, { request: { requestNumber: request.number }, decision: "approve" }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(String(failed[0]!.reason.message)).toMatch(/^该任务已由 (赵敏|钱磊) 审批同意，当前状态为「待签收」，无需重复操作。$/);
    const trail = await listAudit(h.db.kysely, request.id);
    expect(trail.filter((e) => e.action === "approve")).toHaveLength(1);
    expect((await verifyChain(h.db.kysely, `request:${request.id}`)).ok).toBe(true);
    // Exactly one announcement went out.
    expect((await topics(request.id)).filter((t) => t.startsWith("task.announced"))).toHaveLength(2); // dispatcher + head of tax
  });

  it("dispatcher and head accepting at once: one accept, the other told who took it", async () => {
    const { runCommand } = await import("../../src/commands/context");
    for (let round = 0; round < 3; round++) {
      const { request } = await h.as("ou_member", requestCreator, { text: "@市监局 核查营业执照", source: "chat" });
      const results = await Promise.allSettled([
        runCommand(h.deps, await h.actor("ou_amrdisp"), taskAccepter, { task: { requestNumber: request.number } }),
        runCommand(h.deps, await h.actor("ou_amrhead"), taskAccepter, { task: { requestNumber: request.number } }),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(failed).toHaveLength(1);
      expect(String(failed[0]!.reason.message)).toMatch(/^该任务已由 (李娜|张伟) 签收，当前状态为「办理中」，无需重复操作。$/);
      const trail = await listAudit(h.db.kysely, request.id);
      expect(trail.filter((e) => e.action === "accept")).toHaveLength(1);
      expect((await verifyChain(h.db.kysely, `request:${request.id}`)).ok).toBe(true);
    }
  });

  it("withdraw after the department accepted still works; accept after withdraw is refused with who withdrew", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "@市监局 核查营业执照", source: "chat" });
    await h.as("ou_member", requestWithdrawer, { request: { requestNumber: request.number }, reason: "企业已自行提交" });
    await expect(h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number } })).rejects.toThrow(
      /^该任务已由 刘洋 撤回，当前状态为「已撤回」。无法签收/,
    );
    const sent = await topics(request.id);
    expect(sent).toContain("task.withdrawn>oc_amr");
  });
});
