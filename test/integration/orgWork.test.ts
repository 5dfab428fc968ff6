import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delegationRevoker } from "../../src/commands/delegationRevoker";
import { delegationSetter } from "../../src/commands/delegationSetter";
import { handoverPerformer } from "../../src/commands/handoverPerformer";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { pendingWorkFor, requestTimeline } from "../../src/db/repositories/views";
import type { AssignmentMode } from "../../src/domain/assignment";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// Auto-assignment at 签收, delegation (代理) and handover (离岗交接), through the commands as chat and the mini-app call them.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg({
    ...smallOrg,
    users: [...smallOrg.users, { openId: "ou_amrhandler3", name: "黄磊", department: "amr", roles: ["handler"] }],
  });
});
afterAll(() => h.close());

const userId = async (openId: string) => (await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow()).id;
const raise = async (text: string, who = "ou_member") => (await h.as(who, requestCreator, { text, source: "chat" })).request;
const setMode = (mode: AssignmentMode) => h.db.kysely.updateTable("departments").set({ assignmentMode: mode, lastAssignedUserId: null }).where("code", "=", "amr").execute();
const HANDLERS = ["王芳", "孙强", "黄磊"];

/** Raises and has the dispatcher accept `n` requests to 市监局; answers how many each handler got. */
async function acceptMany(n: number, tag: string): Promise<Record<string, number>> {
  const got: Record<string, number> = Object.fromEntries(HANDLERS.map((x) => [x, 0]));
  for (let i = 0; i < n; i++) {
    const r = await raise(`@市监局 核查${tag}第${i + 1}家企业的进货台账`);
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number } });
    const t = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("users", "users.id", "tasks.assigneeId")
      .select("users.name")
      .where("tasks.requestId", "=", r.id)
      .executeTakeFirstOrThrow();
    got[t.name] = (got[t.name] ?? 0) + 1;
  }
  return got;
}

async function closeAllOpen() {
  await h.db.kysely.updateTable("tasks").set({ state: "completed", completedAt: h.deps.now() }).where("state", "in", ["in_progress", "pending_accept"]).execute();
}

describe("auto-assignment at 签收", () => {
  it("off: the dispatcher's 签收 names nobody (any handler may take it up)", async () => {
    await setMode("off");
    const r = await raise("@市监局 核查某超市的进货台账");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number } });
    const t = await h.db.kysely.selectFrom("tasks").select("assigneeId").where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(t.assigneeId).toBeNull();
    await closeAllOpen();
  });

  it("round-robin: 30 tasks among 3 handlers go 10 / 10 / 10, in turn; the handler is told the rule", async () => {
    await setMode("round_robin");
    expect(await acceptMany(30, "轮流")).toEqual({ 王芳: 10, 孙强: 10, 黄磊: 10 });
    const last = await h.db.kysely
      .selectFrom("outbox")
      .select(["topic", "payload"])
      .where("topic", "=", "task.assigned")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect((last.payload as { text: string }).text).toContain("按本部门轮流分配规则由您办理");
    await closeAllOpen();
  });

  it("least-loaded: with 王芳 holding 6 open tasks and 孙强 3, 30 new tasks even the loads out (王芳 7, 孙强 10, 黄磊 13 new → 13 each)", async () => {
    await setMode("off");
    // Existing open work: 王芳 6, 孙强 3, 黄磊 0.
    for (const [name, n] of [
      ["王芳", 6],
      ["孙强", 3],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const r = await raise(`@市监局 核查既有第${i + 1}家企业（${name}）`);
        await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { name } });
      }
    }
    await setMode("least_loaded");
    expect(await acceptMany(30, "均衡")).toEqual({ 王芳: 7, 孙强: 10, 黄磊: 13 });
    const loads = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("users", "users.id", "tasks.assigneeId")
      .select(["users.name", (eb) => eb.fn.countAll<string>().as("n")])
      .where("tasks.state", "=", "in_progress")
      .groupBy("users.name")
      .execute();
    expect(Object.fromEntries(loads.map((l) => [l.name, Number(l.n)]))).toEqual({ 王芳: 13, 孙强: 13, 黄磊: 13 });
    await closeAllOpen();
  });

  it("people on leave or delegating are skipped; the dispatcher can still name anyone by hand", async () => {
    await setMode("round_robin");
    await h.db.kysely.updateTable("users").set({ onLeave: true }).where("openId", "=", "ou_amrhandler").execute();
    await h.as("ou_amrhandler2", delegationSetter, { deputyId: await userId("ou_amrhandler3"), startsOn: "2026-11-23", endsOn: "2026-11-23" });
    expect(await acceptMany(3, "休假")).toEqual({ 王芳: 0, 孙强: 0, 黄磊: 3 });
    const r = await raise("@市监局 核查某药店的进货台账");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { name: "王芳" } });
    const t = await h.db.kysely.selectFrom("tasks").select("assigneeId").where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(t.assigneeId).toBe(await userId("ou_amrhandler"));
    await h.db.kysely.updateTable("users").set({ onLeave: false }).where("openId", "=", "ou_amrhandler").execute();
    await h.db.kysely.updateTable("delegations").set({ revokedAt: h.deps.now() }).execute();
    await setMode("off");
    await closeAllOpen();
  });
});

describe("代理: a head names a deputy", () => {
  it("the deputy is asked, sees it in 待办, approves as 「X（代 Y）」 in the trail; it ends by itself", async () => {
    h.setNow("2026-11-24T09:00:00+08:00");
    // 赵敏 (head of 滨江街道) is away 11-24..11-25; 陈静 (a member) stands in for her.
    await h.as("ou_streethead", delegationSetter, { deputyId: await userId("ou_member2"), startsOn: "2026-11-24", endsOn: "2026-11-25" });
    const r = await raise("企业注销：某贸易公司申请注销，请各部门核查");
    const asked = await h.db.kysely.selectFrom("outbox").select("recipientId").where("requestId", "=", r.id).where("topic", "=", "request.approval_requested").execute();
    expect(asked.map((a) => a.recipientId).sort()).toEqual(["ou_member2", "ou_streethead", "ou_streethead2"]);
    expect((await pendingWorkFor(h.db.kysely, await h.actor("ou_member2"))).approvals.map((a) => a.number)).toEqual([r.number]);

    const done = await h.as("ou_member2", requestApprover, { request: { requestNumber: r.number }, decision: "approve" });
    expect(done.actedAs).toBe("陈静（代 赵敏）");
    const trail = await requestTimeline(h.db.kysely, r.id);
    expect(trail.events.filter((e) => e.action === "approve").map((e) => e.actorName)).toEqual(["陈静（代 赵敏）", "陈静（代 赵敏）", "陈静（代 赵敏）"]);
    const told = await h.db.kysely.selectFrom("outbox").select("payload").where("requestId", "=", r.id).where("topic", "=", "request.approved").executeTakeFirstOrThrow();
    expect((told.payload as { text: string }).text).toContain("陈静（代 赵敏）");

    // After 11-25 the delegation is over: 陈静 is a member again.
    h.setNow("2026-11-26T09:00:00+08:00");
    const r2 = await raise("企业注销：某餐饮公司申请注销，请各部门核查");
    await expect(h.as("ou_member2", requestApprover, { request: { requestNumber: r2.number }, decision: "approve" })).rejects.toThrow(/您无权审批同意/);
    expect((await pendingWorkFor(h.db.kysely, await h.actor("ou_member2"))).approvals).toEqual([]);
  });

  it("a category-bound delegation covers only that category; the delegator may revoke it; nobody delegates to themselves", async () => {
    h.setNow("2026-11-27T09:00:00+08:00");
    const d = await h.as("ou_amrhandler", delegationSetter, { deputyId: await userId("ou_amrhandler2"), category: "证照", startsOn: "2026-11-27", endsOn: "2026-11-30" });
    const mk = async (text: string) => {
      const r = await raise(text);
      await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { name: "王芳" } });
      return r;
    };
    const licence = await mk("@市监局 核查营业执照 #证照");
    const other = await mk("@市监局 核查进货台账 #台账");
    await h.as("ou_amrhandler2", taskCompleter, { task: { requestNumber: licence.number }, result: "已核查，执照有效" });
    const trail = await requestTimeline(h.db.kysely, licence.id);
    expect(trail.events.find((e) => e.action === "complete")?.actorName).toBe("孙强（代 王芳）");
    await expect(h.as("ou_amrhandler2", taskCompleter, { task: { requestNumber: other.number }, result: "已核查" })).rejects.toThrow(/您无权办结/);
    expect((await h.as("ou_amrhandler", delegationRevoker, { id: d.id })).revoked).toBe(true);
    await expect(
      h.as("ou_amrhandler", delegationSetter, { deputyId: await userId("ou_amrhandler"), startsOn: "2026-11-27", endsOn: "2026-11-30" }),
    ).rejects.toThrow("代理人不能是本人");
    await expect(h.as("ou_member", delegationSetter, { deputyId: await userId("ou_member2"), startsOn: "2026-11-27", endsOn: "2026-11-30" })).rejects.toThrow(
      "只有部门负责人或经办人可以设置代理人",
    );
    await closeAllOpen();
  });
});

describe("离岗交接", () => {
  it("moves open tasks, open requests and roles to the successor in one audited step", async () => {
    h.setNow("2026-12-01T09:00:00+08:00");
    const t1 = await raise("@市监局 核查一家超市");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: t1.number }, assignee: { name: "王芳" } });
    const t2 = await raise("@市监局 核查一家药店");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: t2.number }, assignee: { name: "孙强" } });
    const mine = await raise("@税务局 请出具某公司纳税证明", "ou_amrhandler");
    const report = await h.as("ou_amrhead", handoverPerformer, { fromUserId: await userId("ou_amrhandler"), toUserId: await userId("ou_amrhandler3") });
    expect(report.tasks).toEqual([t1.number]);
    expect(report.requests).toEqual([mine.number]);
    expect(report.roles.map((r) => r.role)).toEqual(["handler"]);
    expect((await pendingWorkFor(h.db.kysely, await h.actor("ou_amrhandler3"))).toHandle.map((t) => t.number)).toContain(t1.number);
    const trail = await requestTimeline(h.db.kysely, t1.id);
    expect(trail.events.at(-1)).toMatchObject({ action: "handover", actorName: "张伟" });
    // 孙强's task stays his; 张伟 (head of 市监局) may not hand over someone of another department.
    const t2row = await h.db.kysely.selectFrom("tasks").select("assigneeId").where("requestId", "=", t2.id).executeTakeFirstOrThrow();
    expect(t2row.assigneeId).toBe(await userId("ou_amrhandler2"));
    await expect(h.as("ou_amrhead", handoverPerformer, { fromUserId: await userId("ou_taxdisp"), toUserId: await userId("ou_amrhandler3") })).rejects.toThrow(
      "只有管理员或交接人所在部门的负责人可以办理离岗交接",
    );
  });
});
