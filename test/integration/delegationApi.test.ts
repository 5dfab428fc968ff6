import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The API of 代理, 离岗交接 and a department's auto-assignment: who may, what is refused (in Chinese), dates.

let h: Harness;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg({ ...smallOrg, users: [...smallOrg.users, { openId: "ou_amrhandler3", name: "黄磊", department: "amr", roles: ["handler"] }] });
  app = createApp(h.deps);
});
afterAll(() => h.close());

async function as(openId: string) {
  const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
  const s = await createSession(h.db.kysely, user.id, h.deps.now());
  return async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { cookie: `xt_session=${s.sessionId}`, "x-csrf-token": s.csrfToken, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}
const orgAudit = (action: string) => h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", "org").where("action", "=", action).orderBy("seq").execute();

describe("/api/delegations", () => {
  it("refuses bad input in Chinese with a correct example: missing deputy, bad dates, end before start", async () => {
    const head = await as("ou_amrhead");
    const none = await head("POST", "/api/delegations", { startsOn: "2026-11-24", endsOn: "2026-11-25" });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain("deputy");
    expect(JSON.parse(none.body.error.example)).toEqual({ deputy: "ou_sunqiang", startsOn: "2026-12-07", endsOn: "2026-12-11" });
    const badDay = await head("POST", "/api/delegations", { deputy: "ou_amrhandler", startsOn: "11/24", endsOn: "2026-11-25" });
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.message).toContain("YYYY-MM-DD");
    const backwards = await head("POST", "/api/delegations", { deputy: "ou_amrhandler", startsOn: "2026-11-26", endsOn: "2026-11-25" });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain("结束日期不能早于开始日期");
    const notADay = await head("POST", "/api/delegations", { deputy: "ou_amrhandler", startsOn: "2026-02-30", endsOn: "2026-03-02" });
    expect(notADay.status).toBe(422);
    expect(notADay.body.error.message).toContain("不是有效日期");
    const past = await head("POST", "/api/delegations", { deputy: "ou_amrhandler", startsOn: "2026-11-01", endsOn: "2026-11-02" });
    expect(past.body.error.message).toContain("结束日期已经过去");
  });

  it("no self, no one outside the department, no unknown person, members may not delegate", async () => {
    const head = await as("ou_amrhead");
    const self = await head("POST", "/api/delegations", { deputy: "ou_amrhead", startsOn: "2026-11-24", endsOn: "2026-11-25" });
    expect(self.status).toBe(422);
    expect(self.body.error.message).toBe("代理人不能是本人，请选择另一位同事。");
    const outsider = await head("POST", "/api/delegations", { deputy: "ou_taxdisp", startsOn: "2026-11-24", endsOn: "2026-11-25" });
    expect(outsider.status).toBe(422);
    expect(outsider.body.error.message).toContain("吴敏不在张伟所在的部门");
    const nobody = await head("POST", "/api/delegations", { deputy: "ou_nobody", startsOn: "2026-11-24", endsOn: "2026-11-25" });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.message).toContain("找不到代理人 ou_nobody");
    const member = await as("ou_member");
    const byMember = await member("POST", "/api/delegations", { deputy: "ou_member2", startsOn: "2026-11-24", endsOn: "2026-11-25" });
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.message).toContain("只有部门负责人或经办人可以设置代理人");
  });

  it("a head sets a deputy: listed for both, shown in /api/me once it starts, audited; only the delegator may revoke it", async () => {
    const head = await as("ou_amrhead");
    const made = await head("POST", "/api/delegations", { deputy: "ou_amrhandler", startsOn: "2026-11-23", endsOn: "2026-11-27", category: "证照" });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ delegator: { name: "张伟" }, deputy: { name: "王芳" }, category: "证照", startsAt: "2026-11-22T16:00:00.000Z", endsAt: "2026-11-27T16:00:00.000Z" });
    expect((await head("GET", "/api/delegations")).body.given.map((d: any) => d.id)).toEqual([made.body.id]);
    const deputy = await as("ou_amrhandler");
    expect((await deputy("GET", "/api/delegations")).body.received.map((d: any) => d.delegator.name)).toEqual(["张伟"]);
    expect((await deputy("GET", "/api/me")).body.delegations.received).toMatchObject([{ delegator: { name: "张伟" }, category: "证照" }]);
    expect((await head("GET", "/api/me")).body.delegations.given).toMatchObject([{ deputy: { name: "王芳" } }]);
    expect((await orgAudit("delegation.set")).at(-1)?.actorName).toBe("张伟");

    const byDeputy = await deputy("POST", `/api/delegations/${made.body.id}/revoke`);
    expect(byDeputy.status).toBe(403);
    expect(byDeputy.body.error.message).toBe("只有委托人本人或管理员可以取消代理。");
    expect((await head("POST", `/api/delegations/${made.body.id}/revoke`)).body).toEqual({ revoked: true });
    expect((await head("POST", `/api/delegations/${made.body.id}/revoke`)).body).toEqual({ revoked: false });
    expect((await head("GET", "/api/me")).body.delegations.given).toEqual([]);
    expect((await orgAudit("delegation.revoke")).length).toBe(1);
    const missing = await head("POST", "/api/delegations/999999/revoke");
    expect(missing.status).toBe(404);
  });
});

describe("/api/departments/:code/assignment", () => {
  it("the department's head reads and changes it (audited); a handler, another department's head and unknown modes are refused", async () => {
    const head = await as("ou_amrhead");
    expect((await head("GET", "/api/departments/amr/assignment")).body).toEqual({ department: { code: "amr", name: "市市场监督管理局" }, mode: "off", label: "不自动分配" });
    const set = await head("PUT", "/api/departments/amr/assignment", { mode: "round_robin" });
    expect(set.body).toMatchObject({ mode: "round_robin", label: "轮流分配" });
    expect((await orgAudit("department.update")).at(-1)?.data).toMatchObject({ code: "amr", before: { assignmentMode: "off" }, after: { assignmentMode: "round_robin" } });

    const handler = await as("ou_amrhandler");
    const byHandler = await handler("PUT", "/api/departments/amr/assignment", { mode: "off" });
    expect(byHandler.status).toBe(403);
    expect(byHandler.body.error.message).toContain("部门负责人只能设置本部门的自动分配方式");
    expect((await handler("GET", "/api/departments/amr/assignment")).status).toBe(403);
    const taxHead = await as("ou_taxhead");
    expect((await taxHead("PUT", "/api/departments/amr/assignment", { mode: "off" })).status).toBe(403);
    const bad = await head("PUT", "/api/departments/amr/assignment", { mode: "random" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("mode 只能是 off（不自动分配）、round_robin（轮流分配）或 least_loaded（按在办量分配）");
    expect((await head("GET", "/api/departments/nowhere/assignment")).status).toBe(404);
    const admin = await as("ou_admin");
    expect((await admin("PUT", "/api/departments/amr/assignment", { mode: "off" })).body.mode).toBe("off");
  });
});

describe("/api/handover/:openId", () => {
  it("previews and moves a person's open work to a successor; a handler or another department's head may not", async () => {
    const r = (await h.as("ou_member", requestCreator, { text: "@市监局 核查某超市的营业执照", source: "chat" })).request;
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r.number }, assignee: { name: "王芳" } });
    const handler = await as("ou_amrhandler2");
    const byHandler = await handler("GET", "/api/handover/ou_amrhandler");
    expect(byHandler.status).toBe(403);
    expect(byHandler.body.error.message).toBe("只有管理员或交接人所在部门的负责人可以办理离岗交接。");
    const taxHead = await as("ou_taxhead");
    expect((await taxHead("POST", "/api/handover/ou_amrhandler", { successor: "ou_amrhandler3" })).status).toBe(403);

    const head = await as("ou_amrhead");
    const preview = await head("GET", "/api/handover/ou_amrhandler");
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ person: { name: "王芳", department: "市市场监督管理局" }, tasks: [{ number: r.number, state: "in_progress" }], roles: [{ role: "handler", department: "市市场监督管理局" }] });
    const self = await head("POST", "/api/handover/ou_amrhandler", { successor: "ou_amrhandler" });
    expect(self.status).toBe(422);
    expect(self.body.error.message).toBe("接替人不能是交接人本人。");
    const noSuccessor = await head("POST", "/api/handover/ou_amrhandler", {});
    expect(noSuccessor.status).toBe(400);
    expect(noSuccessor.body.error.message).toContain("successor");

    const done = await head("POST", "/api/handover/ou_amrhandler", { successor: "ou_amrhandler3" });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ from: { openId: "ou_amrhandler", name: "王芳" }, to: { openId: "ou_amrhandler3", name: "黄磊" }, tasks: [r.number], requests: [], roles: [{ role: "handler", department: "市市场监督管理局" }] });
    const task = await h.db.kysely.selectFrom("tasks").innerJoin("users", "users.id", "tasks.assigneeId").select("users.name").where("tasks.requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(task.name).toBe("黄磊");
    expect((await orgAudit("handover")).at(-1)).toMatchObject({ actorName: "张伟" });
    expect((await head("GET", "/api/handover/ou_amrhandler")).body.tasks).toEqual([]);
    // Someone who has left (deactivated by org sync) can still be handed over.
    const r2 = (await h.as("ou_member", requestCreator, { text: "@市监局 核查某药店的营业执照", source: "chat" })).request;
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: r2.number }, assignee: { name: "孙强" } });
    await h.db.kysely.updateTable("users").set({ active: false }).where("openId", "=", "ou_amrhandler2").execute();
    expect((await head("GET", "/api/handover/ou_amrhandler2")).body.tasks.map((t: any) => t.number)).toEqual([r2.number]);
    expect((await head("POST", "/api/handover/ou_amrhandler2", { successor: "ou_amrhandler3" })).body.tasks).toEqual([r2.number]);
    expect((await head("GET", "/api/handover/ou_nobody")).status).toBe(404);
  });
});
