import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 组织机构 through the admin API: who may call it, Chinese refusals with an example, the tree with its levels,
// search by name or 简称, editing a department and a person (each change audited on the org chain).

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin: string;
let integration: string;
let member = { cookie: "", csrf: "" };
let adminSession = { cookie: "", csrf: "" };
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
  await h.db.kysely.updateTable("departments").set({ level: "city" }).where("code", "=", "city").execute();
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
  const uid = async (openId: string) => (await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow()).id;
  integration = (await issueApiToken(h.db.kysely, { name: "集成", role: "integration", userId: await uid("ou_member") })).token;
  const s = await createSession(h.db.kysely, await uid("ou_member"), h.deps.now());
  member = { cookie: `xt_session=${s.sessionId}`, csrf: s.csrfToken };
  const a = await createSession(h.db.kysely, await uid("ou_admin"), h.deps.now());
  adminSession = { cookie: `xt_session=${a.sessionId}`, csrf: a.csrfToken };
});
afterAll(() => h.close());

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${admin}` }) => {
  const res = await app.request(path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const orgAudit = () => h.db.kysely.selectFrom("auditEvents").select(["action", "actorName", "data"]).where("chain", "=", "org").orderBy("id").execute();

describe("/api/admin/org", () => {
  it("refuses anyone but an admin, in Chinese", async () => {
    const bySession = await call("GET", "/api/admin/org/tree", undefined, { cookie: member.cookie });
    expect(bySession.status).toBe(403);
    expect(bySession.body.error.message).toBe("只有管理员可以使用管理功能，请联系系统管理员。");
    const byToken = await call("PUT", "/api/admin/org/departments/amr", { aliases: ["市监"] }, { authorization: `Bearer ${integration}` });
    expect(byToken.status).toBe(403);
    const nobody = await call("POST", "/api/admin/org/sync/preview", undefined, {});
    expect(nobody.status).toBe(401);
    // An admin's mini-app session writes with its CSRF token.
    const noCsrf = await call("PUT", "/api/admin/org/departments/amr", { aliases: ["市监局"] }, { cookie: adminSession.cookie });
    expect(noCsrf.status).toBe(403);
    const withCsrf = await call("PUT", "/api/admin/org/departments/amr", { aliases: ["市场监管局", "市监局"] }, { cookie: adminSession.cookie, "x-csrf-token": adminSession.csrf });
    expect(withCsrf).toEqual({ status: 200, body: { changed: [] } });
  });

  it("the tree shows every department depth-first with its level, aliases, work group and people", async () => {
    const t = await call("GET", "/api/admin/org/tree");
    expect(t.status).toBe(200);
    expect(t.body.departments.map((d: any) => [d.code, d.depth, d.levelLabel])).toEqual([
      ["city", 0, "市"],
      ["street", 1, null],
      ["amr", 1, null],
      ["tax", 1, null],
      ["hrss", 1, null],
      ["inspect", 1, null],
    ]);
    const amr = t.body.departments.find((d: any) => d.code === "amr");
    expect(amr).toMatchObject({ name: "市市场监督管理局", aliases: ["市场监管局", "市监局"], chatId: "oc_amr" });
    expect(amr.people.map((p: any) => p.name)).toEqual(["张伟", "李娜", "王芳", "孙强"]);
  });

  it("search finds departments by name or 简称 and people by name; an empty query is refused with an example", async () => {
    const byAlias = await call("GET", "/api/admin/org/search?q=" + encodeURIComponent("人社"));
    expect(byAlias.status).toBe(200);
    expect(byAlias.body.departments.map((d: any) => d.code)).toEqual(["hrss"]);
    expect(byAlias.body.people).toEqual([]);
    const byPerson = await call("GET", "/api/admin/org/search?q=" + encodeURIComponent("王芳"));
    expect(byPerson.body.people).toEqual([expect.objectContaining({ openId: "ou_amrhandler", name: "王芳", department: { code: "amr", name: "市市场监督管理局" } })]);
    const empty = await call("GET", "/api/admin/org/search?q=");
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("q 不能为空：填写部门名称、简称或人员姓名，例如 q=市监局");
  });

  it("edits a department: name, aliases, level, work group; bad input and a taken alias refused in Chinese", async () => {
    const bad = await call("PUT", "/api/admin/org/departments/tax", { level: "district", chatId: "group-1" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("层级只能是 province（省）、city（市）、county（县区）、township（乡镇），或 null（不设）");
    expect(bad.body.error.message).toContain("工作群的 chat_id 以 oc_ 开头，例如 oc_amr；不绑定填 null");
    expect(JSON.parse(bad.body.error.example)).toEqual({ aliases: ["市监局", "市场监管局"], level: "city", chatId: "oc_amr" });
    const taken = await call("PUT", "/api/admin/org/departments/tax", { aliases: ["市监局"] });
    expect(taken.status).toBe(422);
    expect(taken.body.error.message).toBe("简称「市监局」已被其他部门使用，请换一个。");
    const missing = await call("PUT", "/api/admin/org/departments/nowhere", { aliases: ["无"] });
    expect(missing.status).toBe(404);

    const ok = await call("PUT", "/api/admin/org/departments/tax", { name: "临江市税务局", aliases: ["税务局", "市税务"], level: "city", chatId: "oc_tax" });
    expect(ok).toEqual({ status: 200, body: { changed: ["aliases", "name", "chatId", "level"] } });
    const found = await call("GET", "/api/admin/org/search?q=" + encodeURIComponent("市税务"));
    expect(found.body.departments).toEqual([expect.objectContaining({ code: "tax", name: "临江市税务局", level: "city", levelLabel: "市", chatId: "oc_tax" })]);
    const audit = (await orgAudit()).filter((a) => a.action === "department.update");
    expect(audit.at(-1)).toMatchObject({ actorName: "测试", data: { code: "tax", before: { name: "市税务局", aliases: ["税务局"], chatId: null, level: null }, after: { name: "临江市税务局", chatId: "oc_tax", level: "city" } } });
  });

  it("edits a person: a move keeps their row and history; roles per department and global; a wrong role refused", async () => {
    const before = await h.db.kysely.selectFrom("users").select(["id", "createdAt"]).where("openId", "=", "ou_member2").executeTakeFirstOrThrow();
    const badRole = await call("PUT", "/api/admin/org/people/ou_member2", { roles: [{ role: "boss", department: "tax" }] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.message).toContain("角色只能是 member（科员）");
    const globalWithDept = await call("PUT", "/api/admin/org/people/ou_member2", { roles: [{ role: "supervisor", department: "tax" }] });
    expect(globalWithDept.status).toBe(422);
    expect(globalWithDept.body.error.message).toBe("角色 supervisor 是全局角色，department 须为 null。");
    const badId = await call("PUT", "/api/admin/org/people/zhang", { department: "tax" });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain("openId 以 ou_ 开头，例如 ou_zhangwei");

    const moved = await call("PUT", "/api/admin/org/people/ou_member2", { department: "tax", roles: [{ role: "handler", department: "tax" }, { role: "supervisor", department: null }] });
    expect(moved).toEqual({ status: 200, body: { changed: ["department", "roles"] } });
    const after = await h.db.kysely.selectFrom("users").select(["id", "createdAt"]).where("openId", "=", "ou_member2").executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const tree = await call("GET", "/api/admin/org/tree");
    const tax = tree.body.departments.find((d: any) => d.code === "tax");
    expect(tax.people.find((p: any) => p.openId === "ou_member2").roles).toEqual([{ role: "handler", department: "tax" }, { role: "supervisor", department: null }]);
    expect((await orgAudit()).at(-1)).toMatchObject({ action: "person.update", data: { openId: "ou_member2", department: { to: "tax" } } });
  });

  it("sync without the platform's directory is refused with 422 in Chinese", async () => {
    const r = await call("POST", "/api/admin/org/sync/preview");
    expect(r.status).toBe(422);
    expect(r.body.error.message).toBe("本服务未连接飞书通讯录，无法同步组织架构。");
    const bad = await call("POST", "/api/admin/org/sync/apply", {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("请填写 fingerprint：同步预览答复中的 fingerprint");
  });
});
