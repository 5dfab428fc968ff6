import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The routing-rules admin API: list by priority with 抢先匹配 flags, versions with diffs, saving a version (tasks
// keep theirs), reordering, the tester (as saved / as edited), and refusals in Chinese.

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin: string;
let supervisorToken: string;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // Monday
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
  supervisorToken = (await issueApiToken(h.db.kysely, { name: "督查系统", role: "supervisor" })).token;
  for (const openId of ["ou_admin", "ou_member"]) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    const s = await createSession(h.db.kysely, user.id, h.deps.now());
    sessions[openId] = { cookie: `xt_session=${s.sessionId}`, csrf: s.csrfToken };
  }
});
afterAll(() => h.close());

type Who = { token: string } | { session: string };
const call = async (method: string, path: string, body?: unknown, who: Who = { token: admin }) => {
  const headers: Record<string, string> = body !== undefined ? { "content-type": "application/json" } : {};
  if ("token" in who) headers.authorization = `Bearer ${who.token}`;
  else {
    headers.cookie = sessions[who.session]!.cookie;
    headers["x-csrf-token"] = sessions[who.session]!.csrf;
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
};

describe("/api/admin/rules", () => {
  it("refuses non-admins with 403 in Chinese (token and mini-app session); the admin's session is let in", async () => {
    const byToken = await call("GET", "/api/admin/rules", undefined, { token: supervisorToken });
    expect(byToken.status).toBe(403);
    expect(byToken.body.error.message).toContain("需要 admin 角色");
    const bySession = await call("GET", "/api/admin/rules", undefined, { session: "ou_member" });
    expect(bySession.status).toBe(403);
    expect(bySession.body.error.message).toBe("只有管理员可以使用管理功能，请联系系统管理员。");
    const put = await call("PUT", "/api/admin/rules/licence", { name: "x", priority: 1, action: { targets: ["amr"] } }, { session: "ou_member" });
    expect(put.status).toBe(403);
    expect((await call("GET", "/api/admin/rules", undefined, { session: "ou_admin" })).status).toBe(200);
    expect((await app.request("/api/admin/rules")).status).toBe(401);
  });

  it("bad input answers 400 with the field and a correct example; unknown departments 422", async () => {
    const bad = await call("PUT", "/api/admin/rules/licence", { name: "证照核查", priority: 10, action: { targets: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("规则至少要有一个承办部门（targets）");
    expect(JSON.parse(bad.body.error.example)).toMatchObject({ name: "证照核查", action: { targets: ["city-amr"] } });
    const badCode = await call("PUT", "/api/admin/rules/Bad Code", { name: "x", priority: 1, action: { targets: ["amr"] } });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.message).toContain("编码只能包含小写字母");
    const unknown = await call("PUT", "/api/admin/rules/licence", { name: "证照核查", priority: 10, action: { targets: ["nowhere"] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toBe("规则引用的部门不存在或已停用：nowhere。请使用部门编码。");
    const order = await call("POST", "/api/admin/rules/reorder", { codes: ["licence"] });
    expect(order.status).toBe(422);
    expect(order.body.error.message).toBe("请按新顺序列出全部 3 条规则的编码，每条一次。");
    expect(order.body.error.example).toBe('{"codes":["closure","licence","tax-proof"]}');
  });

  it("lists by priority and flags a rule whose keywords an earlier rule catches first", async () => {
    const saved = await call("PUT", "/api/admin/rules/licence-copy", { name: "执照复印件", priority: 15, match: { keywordsAny: ["营业执照复印件"] }, action: { targets: ["tax"] } });
    expect(saved.body).toMatchObject({ code: "licence-copy", version: 1, created: true, changed: true });
    const list = await call("GET", "/api/admin/rules");
    expect(list.body.items.map((r: any) => [r.code, r.priority])).toEqual([["closure", 5], ["licence", 10], ["licence-copy", 15], ["tax-proof", 20]]);
    const copy = list.body.items.find((r: any) => r.code === "licence-copy");
    expect(copy.warning).toBe("被规则 证照核查（licence）抢先匹配");
    expect(list.body.items.find((r: any) => r.code === "licence").warning).toBeNull();
    // Disabling the copy (a new version) clears nothing about the earlier rule; the disabled one is no longer flagged.
    const off = await call("PUT", "/api/admin/rules/licence-copy", { name: "执照复印件", priority: 15, enabled: false, match: { keywordsAny: ["营业执照复印件"] }, action: { targets: ["tax"] } });
    expect(off.body).toMatchObject({ version: 2, changed: true });
    const after = (await call("GET", "/api/admin/rules")).body.items.find((r: any) => r.code === "licence-copy");
    expect(after).toMatchObject({ enabled: false, warning: null, version: 2 });
  });

  it("the tester routes a text by the rules as saved and as edited, with both deadlines, and writes nothing", async () => {
    const before = await h.db.kysely.selectFrom("routingRules").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const r = await call("POST", "/api/admin/rules/test", {
      text: "核查某公司营业执照",
      fromDepartment: "street",
      submittedAt: "2026-11-23T10:00:00+08:00",
      draft: { code: "licence", name: "证照核查", priority: 10, match: { keywordsAny: ["营业执照"] }, action: { targets: ["tax"], slaWorkingDays: 2 } },
    });
    expect(r.status).toBe(200);
    expect(r.body.saved).toMatchObject({
      ok: true,
      plan: { targets: [{ code: "amr", name: "市市场监督管理局" }], rule: { code: "licence", version: 1 }, policy: { slaWorkingDays: 3 }, dueAt: "2026-11-26T09:30:00.000Z", acceptDueAt: "2026-11-24T09:30:00.000Z" },
    });
    expect(r.body.saved.plan.explanation).toContain("匹配规则「证照核查」（licence 第 1 版，依据关键词「营业执照」）");
    expect(r.body.edited).toMatchObject({ ok: true, plan: { targets: [{ code: "tax", name: "市税务局" }], rule: { code: "licence", version: 2 }, policy: { slaWorkingDays: 2 }, dueAt: "2026-11-25T09:30:00.000Z" } });
    expect(r.body.edited.plan.explanation).toContain("licence 第 2 版");
    const noRoute = await call("POST", "/api/admin/rules/test", {
      text: "帮忙看一下",
      fromDepartment: "street",
      draft: { code: "help", name: "兜底", priority: 999, action: { targets: ["hrss"] } },
    });
    expect(noRoute.body.saved).toMatchObject({ ok: false, error: { code: "no_route" } });
    expect(noRoute.body.saved.error.message).toContain("请用 @部门 指明要发给哪个部门");
    expect(noRoute.body.edited).toMatchObject({ ok: true, plan: { targets: [{ code: "hrss" }], rule: { code: "help", version: 1 } } });
    const after = await h.db.kysely.selectFrom("routingRules").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const bad = await call("POST", "/api/admin/rules/test", { fromDepartment: "street" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("text");
  });

  it("saving makes a new version with its diff and audit; the old task keeps the old version, a new one routes by the new", async () => {
    const old = await h.as("ou_member", requestCreator, { text: "核查某公司营业执照", source: "chat" });
    const saved = await call("PUT", "/api/admin/rules/licence", { name: "证照核查", priority: 10, match: { keywordsAny: ["营业执照"] }, action: { targets: ["tax"], slaWorkingDays: 2 } });
    expect(saved.body).toMatchObject({ code: "licence", version: 2, created: false, changed: true });
    const same = await call("PUT", "/api/admin/rules/licence", { name: "证照核查", priority: 10, match: { keywordsAny: ["营业执照"] }, action: { targets: ["tax"], slaWorkingDays: 2 } });
    expect(same.body).toMatchObject({ version: 2, changed: false });
    const fresh = await h.as("ou_member", requestCreator, { text: "核查另一公司营业执照", source: "chat" });

    const ruleOf = async (taskId: number) =>
      h.db.kysely.selectFrom("tasks").innerJoin("routingRules", "routingRules.id", "tasks.ruleId").innerJoin("departments", "departments.id", "tasks.departmentId")
        .select(["routingRules.version", "departments.code"]).where("tasks.id", "=", taskId).executeTakeFirstOrThrow();
    expect(await ruleOf(old.tasks[0]!.id)).toEqual({ version: 1, code: "amr" });
    expect(await ruleOf(fresh.tasks[0]!.id)).toEqual({ version: 2, code: "tax" });

    const history = await call("GET", "/api/admin/rules/licence/history");
    expect(history.body.items.map((v: any) => [v.version, v.current, v.tasks])).toEqual([[2, true, 1], [1, false, 1]]);
    expect(history.body.items[0].createdBy).toBe("测试");
    expect(history.body.items[0].changes.map((c: any) => c.text)).toEqual([
      "任一关键词：营业执照、证照 → 营业执照",
      "承办部门：amr → tax",
      "办结时限（工作日）：3 → 2",
    ]);
    expect((await call("GET", "/api/admin/rules/nothing/history")).status).toBe(404);

    const audit = await h.db.kysely.selectFrom("auditEvents").select(["action", "actorName", "data"]).where("chain", "=", "org").where("action", "=", "rule.update").execute();
    const licence = audit.filter((a) => (a.data as { code?: string }).code === "licence");
    expect(licence).toHaveLength(1);
    expect(licence[0]).toMatchObject({ actorName: "测试", data: { code: "licence", version: 2 } });
  });

  it("reorder renumbers priorities 10, 20, … making new versions only where the priority changed", async () => {
    const r = await call("POST", "/api/admin/rules/reorder", { codes: ["licence", "closure", "licence-copy", "tax-proof"] });
    expect(r.status).toBe(200);
    expect(r.body.changed.map((c: any) => [c.code, c.from, c.to])).toEqual([["closure", 5, 20], ["licence-copy", 15, 30], ["tax-proof", 20, 40]]);
    const list = await call("GET", "/api/admin/rules");
    expect(list.body.items.map((x: any) => `${x.code}@${x.priority}v${x.version}`)).toEqual(["licence@10v2", "closure@20v2", "licence-copy@30v3", "tax-proof@40v2"]);
  });
});
