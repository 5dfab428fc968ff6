import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLark } from "../../bot/lark/client";
import { larkDirectory } from "../../bot/lark/directory";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { orgSync } from "../../src/jobs/orgSync";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { smallOrg } from "../support/smallOrg";

// Org sync from the platform's contact directory, for real: the real SDK reads the sandbox's contact.v3 routes
// page by page (2 items a page here), the admin API previews and applies. The directory renames a department,
// moves a person and loses one; exactly those are previewed and applied, the history stays, nobody is deleted.

let h: BotHarness;
let admin: string;
let pagesAsked = 0;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { org: smallOrg });
  const connection = connectLark(h.bot.config, h.base);
  const client = connection.client;
  // Count the contact pages the reader asks for, through the SDK's own HTTP calls.
  const counting = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== "contact") return Reflect.get(target, prop, receiver);
      const v3 = target.contact.v3;
      return {
        v3: {
          department: { children: (p: any) => (pagesAsked++, v3.department.children(p)) },
          user: { findByDepartment: (p: any) => (pagesAsked++, v3.user.findByDepartment(p)) },
        },
      };
    },
  });
  // A token the platform calls expired (the clock jumps a night ahead below) is dropped and the page asked again.
  h.deps.directory = larkDirectory(() => counting, { pageSize: 2, clearTokens: connection.clearTokens, retryDelaysMs: [50, 100, 200] });
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
}, 60_000);
afterAll(() => h?.close());

const call = async (method: string, path: string, body?: unknown, token = admin) => {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const people = () => h.db.kysely.selectFrom("users").select(["openId", "name", "departmentId", "active"]).orderBy("id").execute();
const rolesOf = (openId: string) =>
  h.db.kysely
    .selectFrom("userRoles")
    .innerJoin("users", "users.id", "userRoles.userId")
    .leftJoin("departments", "departments.id", "userRoles.departmentId")
    .select(["userRoles.role", "departments.code"])
    .where("users.openId", "=", openId)
    .orderBy("userRoles.id")
    .execute();
const requestTrail = (number: string) =>
  h.db.kysely
    .selectFrom("auditEvents")
    .innerJoin("requests", "requests.id", "auditEvents.requestId")
    .select(["auditEvents.id", "auditEvents.action", "auditEvents.actorName", "auditEvents.data", "auditEvents.hash"])
    .where("requests.number", "=", number)
    .orderBy("auditEvents.id")
    .execute();

describe("org sync through the SDK against the sandbox's contact directory", () => {
  let number = "";
  let taxNumber = "";
  let taxTrailBefore: Awaited<ReturnType<typeof requestTrail>> = [];
  let fingerprint = "";
  let trailBefore: Awaited<ReturnType<typeof requestTrail>> = [];
  let peopleBefore: Awaited<ReturnType<typeof people>> = [];

  it("with the directory as imported, the preview (read page by page) is empty", async () => {
    const r = await call("POST", "/api/admin/org/sync/preview");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: false, departments: { created: [], renamed: [], moved: [] }, people: { created: [], renamed: [], moved: [], left: [] }, handover: [] });
    // 14 people in 7 departments, 2 a page: the street office (4 people) and 市监局 (4) take several pages each.
    expect(pagesAsked).toBeGreaterThan(7 + 6 + 2);
  });

  it("a rename, a move and a departure are previewed exactly, with the leaver's open work for handover", async () => {
    const r = (await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照 截止:3个工作日", source: "chat" })).request;
    number = r.number;
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: number }, assignee: { name: "王芳" } });
    trailBefore = await requestTrail(number);
    taxNumber = (await h.as("ou_member", requestCreator, { text: "@税务局 核查某企业发票开具情况", source: "chat" })).request.number;
    taxTrailBefore = await requestTrail(taxNumber);
    expect(taxTrailBefore.map((e) => [e.action, (e.data as any).targets])).toEqual([["create", ["tax"]]]);
    peopleBefore = await people();

    h.sandbox.renameDepartment("tax", "国家税务总局临江市税务局");
    h.sandbox.moveUser("ou_member2", "hrss");
    h.sandbox.removeUser("ou_amrhandler");

    const p = await call("POST", "/api/admin/org/sync/preview");
    expect(p.status).toBe(200);
    expect(p.body.departments).toEqual({ created: [], renamed: [{ code: "tax", from: "市税务局", to: "国家税务总局临江市税务局" }], moved: [] });
    expect(p.body.people).toEqual({
      created: [],
      renamed: [],
      moved: [{ openId: "ou_member2", name: "陈静", fromDepartment: "street", toDepartment: "hrss" }],
      left: [{ openId: "ou_amrhandler", name: "王芳", departmentCode: "amr" }],
    });
    expect(p.body.handover).toEqual([{ openId: "ou_amrhandler", name: "王芳", tasks: [number], requests: [], link: "#handover/ou_amrhandler" }]);
    expect(p.body.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    fingerprint = p.body.fingerprint;
    // A preview changes nothing.
    expect(await people()).toEqual(peopleBefore);
    expect((await h.db.kysely.selectFrom("departments").select("name").where("code", "=", "tax").executeTakeFirstOrThrow()).name).toBe("市税务局");
  });

  it("apply changes exactly those; the leaver loses their roles but stays; the history stays", async () => {
    const a = await call("POST", "/api/admin/org/sync/apply", { fingerprint });
    expect(a.status).toBe(200);
    expect(a.body.applied).toBe(true);
    expect(a.body.people.left).toEqual([{ openId: "ou_amrhandler", name: "王芳", departmentCode: "amr" }]);

    const depts = await h.db.kysely.selectFrom("departments").select(["id", "code", "name"]).orderBy("id").execute();
    expect(depts.find((d) => d.code === "tax")!.name).toBe("国家税务总局临江市税务局");
    expect(depts.filter((d) => d.code !== "tax").map((d) => d.name)).toEqual(smallOrg.departments.filter((d) => d.code !== "tax").map((d) => d.name));

    const after = await people();
    expect(after).toHaveLength(peopleBefore.length); // nobody deleted
    const hrss = depts.find((d) => d.code === "hrss")!.id;
    for (const [i, p] of after.entries()) {
      if (p.openId === "ou_member2") expect(p).toEqual({ ...peopleBefore[i], departmentId: hrss });
      else if (p.openId === "ou_amrhandler") expect(p).toEqual({ ...peopleBefore[i], active: false });
      else expect(p).toEqual(peopleBefore[i]);
    }
    expect(await rolesOf("ou_member2")).toEqual([{ role: "member", code: "hrss" }]);
    expect(await rolesOf("ou_amrhandler")).toEqual([]);
    expect(await rolesOf("ou_amrhandler2")).toEqual([{ role: "handler", code: "amr" }]);

    // The request's trail is untouched, and its task is still 王芳's, in 市监局, under that name.
    expect(await requestTrail(number)).toEqual(trailBefore);
    // The request sent to the renamed department keeps its trail (it names the department by its code, which stays).
    expect(await requestTrail(taxNumber)).toEqual(taxTrailBefore);
    const task = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .innerJoin("users", "users.id", "tasks.assigneeId")
      .select(["departments.name as department", "users.name as assignee"])
      .where("requests.number", "=", number)
      .executeTakeFirstOrThrow();
    expect(task).toEqual({ department: "市市场监督管理局", assignee: "王芳" });

    // Audited on the org chain; the admins are told, with the handover.
    const audit = await h.db.kysely.selectFrom("auditEvents").select(["action", "actorName", "data"]).where("chain", "=", "org").where("action", "=", "sync").execute();
    expect(audit).toHaveLength(1);
    expect((audit[0]!.data as any).people.left).toEqual([{ openId: "ou_amrhandler", name: "王芳", departmentCode: "amr" }]);
    const note = await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "org.sync").execute();
    expect(note.map((n) => (n.payload as any).text).join("\n")).toContain(`王芳 已离职，尚有在办工作待交接：任务 ${number}`);
  });

  it("a second preview is empty", async () => {
    const p = await call("POST", "/api/admin/org/sync/preview");
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ departments: { created: [], renamed: [], moved: [] }, people: { created: [], renamed: [], moved: [], left: [] }, handover: [] });
  });

  it("apply after the directory changed since the preview answers 409 in Chinese and changes nothing", async () => {
    const p = await call("POST", "/api/admin/org/sync/preview");
    h.sandbox.renameDepartment("amr", "临江市市场监督管理局");
    const a = await call("POST", "/api/admin/org/sync/apply", { fingerprint: p.body.fingerprint });
    expect(a.status).toBe(409);
    expect(a.body.error.message).toBe("预览之后通讯录或组织架构又有变动，本次未做任何改动。请重新点「同步预览」，核对后再应用。");
    expect((await h.db.kysely.selectFrom("departments").select("name").where("code", "=", "amr").executeTakeFirstOrThrow()).name).toBe("市市场监督管理局");
    expect(await h.db.kysely.selectFrom("auditEvents").select("id").where("chain", "=", "org").where("action", "=", "sync").execute()).toHaveLength(1);
  });

  it("the nightly job applies it once within ORG_SYNC_WINDOW, not outside it", async () => {
    expect(h.deps.config.orgSyncWindow).toEqual({ from: "02:00", until: "06:00" });
    h.setNow("2026-11-24T01:59:00+08:00");
    expect(await orgSync.perform(h.deps)).toEqual({ synced: 0, changes: 0 });
    h.setNow("2026-11-24T02:01:00+08:00");
    expect(await orgSync.perform(h.deps)).toEqual({ synced: 1, changes: 1 });
    expect((await h.db.kysely.selectFrom("departments").select("name").where("code", "=", "amr").executeTakeFirstOrThrow()).name).toBe("临江市市场监督管理局");
    h.setNow("2026-11-24T02:02:00+08:00");
    expect(await orgSync.perform(h.deps)).toEqual({ synced: 0, changes: 0 });
  });
  it("a page the platform fails (500, 429) is asked again; a platform that keeps failing is answered 502 in Chinese", async () => {
    h.sandbox.failContact({ status: 500, count: 2 });
    const asked = pagesAsked;
    const ok = await call("POST", "/api/admin/org/sync/preview");
    expect(ok.status).toBe(200);
    expect(ok.body.people.left).toEqual([]);
    expect(pagesAsked - asked).toBeGreaterThan(10);
    h.sandbox.failContact({ status: 429, count: 1 });
    expect((await call("POST", "/api/admin/org/sync/preview")).status).toBe(200);

    h.sandbox.failContact({ status: 500, count: 4 }); // the first try and all three retries
    const failed = await call("POST", "/api/admin/org/sync/preview");
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toBe("读取通讯录失败：飞书开放平台返回错误（HTTP 500，错误码 1），请稍后重试；如果问题持续，请联系管理员。");
    expect(await h.db.kysely.selectFrom("auditEvents").select("id").where("chain", "=", "org").where("action", "=", "sync").execute()).toHaveLength(2);
  });
});
