import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extensionDecider } from "../../src/commands/extensionDecider";
import { extensionRequester } from "../../src/commands/extensionRequester";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { listAudit } from "../../src/db/repositories/audit";
import { createApp } from "../../src/http/app";
import { isUnderSupervision } from "../../src/db/repositories/supervisions";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 延期申请 on a controllable clock: who may ask and decide, the inputs refused, and the reminders re-armed for the
// new deadline (临期 / 超期 / 督办 fire once more, exactly once).

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-02T10:00:00+08:00");
  await h.importOrg(smallOrg);
}, 120_000);
afterAll(() => h.close());

const raise = async (text: string) => (await h.as("ou_member", requestCreator, { text, source: "chat" })).request;
const accept = (number: string) => h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_amrhandler" } });
const ask = (who: string, number: string, due: string, reason = "需等待省厅回函") => h.as(who, extensionRequester, { task: { requestNumber: number }, due, reason });
const decide = (who: string, number: string, approve: boolean, extra: { due?: string; comment?: string } = {}) =>
  h.as(who, extensionDecider, { task: { requestNumber: number }, approve, ...extra });
const sweepAt = async (iso: string) => {
  h.setNow(iso);
  return deadlineSweep.perform(h.deps);
};
const taskOf = (requestId: number) => h.db.kysely.selectFrom("tasks").selectAll().where("requestId", "=", requestId).executeTakeFirstOrThrow();
const notices = async (n: string) =>
  (await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("topic", "=", "deadline.notice").orderBy("id").execute())
    .flatMap((m) => (m.payload as { text: string }).text.split("\n").filter((l) => l.includes(n)).map((l) => `${m.recipientId}: ${l}`));
const sent = async (requestId: number, topic: string) =>
  (await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("requestId", "=", requestId).where("topic", "=", topic).orderBy("id").execute()).map(
    (m) => `${m.recipientId}: ${(m.payload as { text: string }).text}`,
  );

describe("延期申请", () => {
  it("the handler asks, bad inputs are refused, the requester approves an earlier date; 临期 and 超期 fire again for the new deadline, once", async () => {
    h.setNow("2026-11-02T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查某公司营业执照 截止:2026-11-04");
    const n = r.number;
    await accept(n);
    await sweepAt("2026-11-03T09:00:00+08:00");
    expect(await notices(n)).toHaveLength(1);
    await sweepAt("2026-11-04T17:31:00+08:00");
    expect(await notices(n)).toHaveLength(3);
    expect((await taskOf(r.id)).everRed).toBe(true);

    h.setNow("2026-11-04T18:00:00+08:00");
    // The requester is not one of the handlers.
    await expect(ask("ou_member", n, "2026-11-10")).rejects.toThrow(/申请延期/);
    await expect(ask("ou_amrhandler", n, "2026-11-07")).rejects.toThrow("2026-11-07 不是工作日（周末或法定节假日），请选择一个工作日作为新的办结时限。");
    await expect(ask("ou_amrhandler", n, "11月4日")).rejects.toThrow("新的办结时限须晚于当前时限 2026-11-04。");
    await expect(ask("ou_amrhandler", n, "2026-11-03")).rejects.toThrow("新的办结时限 2026-11-03 已经过去，请选择今天以后的工作日。");
    await expect(ask("ou_amrhandler", n, "下周")).rejects.toThrow("无法识别新的办结时限「下周」：请写成 2026-12-31、12月31日 或 5个工作日。");
    await expect(ask("ou_amrhandler", n, "2026-11-10", " ")).rejects.toThrow(/延期理由/);

    await ask("ou_amrhandler", n, "4个工作日"); // 11-05, 06, 09, 10
    const ext = await h.db.kysely.selectFrom("taskExtensions").selectAll().where("taskId", "=", (await taskOf(r.id)).id).executeTakeFirstOrThrow();
    expect(ext.state).toBe("pending");
    expect(new Date(ext.requestedDueAt).toISOString()).toBe(new Date("2026-11-10T17:30:00+08:00").toISOString());
    expect(await sent(r.id, "task.extension_requested")).toEqual([
      `ou_member: 承办部门申请将 ${n} 的办结时限由 2026-11-04 延至 2026-11-10，理由：需等待省厅回函\n同意：/同意延期 ${n}　不同意：/不同意延期 ${n} 理由`,
    ]);
    // One pending extension at a time; only the requester decides (the task is not under 督办).
    await expect(ask("ou_amrhead", n, "2026-11-12")).rejects.toThrow("该任务已有一份延期申请正等待审批，请等待决定后再申请。");
    await expect(decide("ou_amrhead", n, true)).rejects.toThrow(/审批延期/);
    await expect(decide("ou_sup", n, true)).rejects.toThrow(`${n} 的延期申请由发起人审批，您无权审批。`);
    await expect(decide("ou_member", n, false)).rejects.toThrow(/不同意延期的理由/);
    await expect(decide("ou_member", n, true, { due: "2026-11-11" })).rejects.toThrow("批准的时限不能晚于申请的 2026-11-10。");

    h.setNow("2026-11-04T18:10:00+08:00");
    await decide("ou_member", n, true, { due: "2026-11-09" });
    let task = await taskOf(r.id);
    expect(new Date(task.dueAt).toISOString()).toBe(new Date("2026-11-09T17:30:00+08:00").toISOString());
    expect(new Date(task.originalDueAt).toISOString()).toBe(new Date("2026-11-04T17:30:00+08:00").toISOString());
    expect(task.extensionCount).toBe(1);
    expect(task.extensionPending).toBe(false);
    expect(task.everRed).toBe(true);
    const decided = await h.db.kysely.selectFrom("taskExtensions").selectAll().where("id", "=", ext.id).executeTakeFirstOrThrow();
    expect(decided.state).toBe("approved");
    expect(new Date(decided.grantedDueAt!).toISOString()).toBe(new Date("2026-11-09T17:30:00+08:00").toISOString());
    expect(await sent(r.id, "task.extension_decided")).toEqual([
      `ou_amrhandler: 刘洋 对 ${n} 的延期申请：同意延期，办结时限延至 2026-11-09`,
      `ou_amrhead: 刘洋 对 ${n} 的延期申请：同意延期，办结时限延至 2026-11-09`,
    ]);
    expect((await listAudit(h.db.kysely, r.id)).filter((a) => a.action.endsWith("Extension")).map((a) => a.action)).toEqual(["requestExtension", "decideExtension"]);

    // The new deadline's steps: 临期 on 11-06 09:00 (working day before), 超期 at 11-09 17:30; each once.
    await sweepAt("2026-11-05T10:00:00+08:00");
    await sweepAt("2026-11-06T08:59:00+08:00");
    expect(await notices(n)).toHaveLength(3);
    await sweepAt("2026-11-06T09:00:00+08:00");
    expect((await notices(n)).slice(3)).toEqual([`ou_amrhandler: 【临期】${n} 核查某公司营业执照：将于 11月9日 17:30 到期，请抓紧办理。`]);
    await sweepAt("2026-11-06T09:01:00+08:00");
    await sweepAt("2026-11-09T17:31:00+08:00");
    await sweepAt("2026-11-09T17:45:00+08:00");
    const after = (await notices(n)).slice(3);
    expect(after.filter((l) => l.includes("【临期】"))).toHaveLength(1);
    expect(after.filter((l) => l.includes("【超期】") && l.includes("11月9日 17:30"))).toHaveLength(2);
    task = await taskOf(r.id);
    expect(task.everRed).toBe(true);
  }, 240_000);

  it("under 督办 a supervisor decides instead of the requester; a refusal keeps the deadline and tells the handler why", async () => {
    h.setNow("2026-11-16T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查某超市进货台账 截止:2026-11-17");
    const n = r.number;
    await accept(n);
    await sweepAt("2026-11-17T17:31:00+08:00");
    await sweepAt("2026-11-19T09:00:00+08:00");
    const task = await taskOf(r.id);
    expect(await isUnderSupervision(h.db.kysely, task.id)).toBe(true);
    h.setNow("2026-11-19T10:00:00+08:00");
    await ask("ou_amrhandler", n, "2026-11-27");
    expect((await sent(r.id, "task.extension_requested")).map((l) => l.split(":")[0])).toContain("ou_sup");
    expect((await sent(r.id, "task.extension_requested")).map((l) => l.split(":")[0])).not.toContain("ou_member");
    await expect(decide("ou_member", n, true)).rejects.toThrow(`${n} 已进入督办，延期申请由督查人员审批，您无权审批。`);
    await decide("ou_sup", n, false, { comment: "请按原时限办结" });
    const after = await taskOf(r.id);
    expect(new Date(after.dueAt).toISOString()).toBe(new Date(task.dueAt).toISOString());
    expect(after.extensionCount).toBe(0);
    expect(after.extensionPending).toBe(false);
    const ext = await h.db.kysely.selectFrom("taskExtensions").selectAll().where("taskId", "=", task.id).executeTakeFirstOrThrow();
    expect([ext.state, ext.decisionComment]).toEqual(["refused", "请按原时限办结"]);
    expect((await sent(r.id, "task.extension_decided"))[0]).toMatch(/不同意延期，仍按原时限 2026-11-17 办结（请按原时限办结）$/);
    // Decided: nothing pending to decide any more, and a new request may be made.
    await expect(decide("ou_sup", n, true)).rejects.toThrow("该任务没有待审批的延期申请。");
    await ask("ou_amrhandler", n, "2026-11-25");
  }, 240_000);

  it("the API: POST /api/tasks/:id/extension and /extension/decide, with Chinese refusals", async () => {
    const app = createApp(h.deps);
    const tokenOf = async (openId: string) => {
      const person = await h.actor(openId);
      return (await issueApiToken(h.db.kysely, { name: openId, role: "integration", userId: person.kind === "user" ? person.id : null })).token;
    };
    const post = async (openId: string, path: string, body: unknown) => {
      const res = await app.request(path, { method: "POST", headers: { authorization: `Bearer ${await tokenOf(openId)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    h.setNow("2026-11-23T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查丁公司营业执照 截止:2026-11-25");
    await accept(r.number);
    const task = await taskOf(r.id);
    const holiday = await post("ou_amrhandler", `/api/tasks/${task.id}/extension`, { dueDate: "2026-11-28", reason: "需等待省厅回函" });
    expect(holiday.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(holiday.body)).toContain("2026-11-28 不是工作日");
    const ok = await post("ou_amrhandler", `/api/tasks/${task.id}/extension`, { dueDate: "2026-12-01", reason: "需等待省厅回函" });
    expect(ok).toEqual({ status: 200, body: { taskId: task.id, state: "in_progress" } });
    const noReason = await post("ou_member", `/api/tasks/${task.id}/extension/decide`, { approve: false });
    expect(JSON.stringify(noReason.body)).toContain("不同意延期的理由");
    expect((await post("ou_member", `/api/tasks/${task.id}/extension/decide`, { approve: true })).status).toBe(200);
    const moved = await taskOf(r.id);
    expect(new Date(moved.dueAt).toISOString()).toBe(new Date("2026-12-01T17:30:00+08:00").toISOString());
    expect(new Date(moved.originalDueAt).toISOString()).toBe(new Date("2026-11-25T17:30:00+08:00").toISOString());
    // The request page shows the first deadline, the count, and each 延期申请 with its state.
    const res = await app.request(`/api/requests/${r.number}`, { headers: { authorization: `Bearer ${await tokenOf("ou_member")}` } });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as Record<string, any>;
    expect(detail.tasks[0]).toMatchObject({
      dueAt: new Date("2026-12-01T17:30:00+08:00").toISOString(),
      originalDueAt: new Date("2026-11-25T17:30:00+08:00").toISOString(),
      extensionCount: 1,
    });
    expect(detail.tasks[0].extensions).toEqual([
      expect.objectContaining({
        state: "approved",
        label: "已同意",
        previousDueAt: new Date("2026-11-25T17:30:00+08:00").toISOString(),
        requestedDueAt: new Date("2026-12-01T17:30:00+08:00").toISOString(),
        grantedDueAt: new Date("2026-12-01T17:30:00+08:00").toISOString(),
        reason: "需等待省厅回函",
      }),
    ]);
  }, 240_000);
});
