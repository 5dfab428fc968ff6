import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import { hashToken, issueApiToken } from "../../src/db/repositories/apiTokens";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The admin console's API: access tokens (create, shown once, list, revoke) and parked messages (retry, discard).

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin = "";
let supervisor = "";

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "运维脚本", role: "admin" })).token;
  supervisor = (await issueApiToken(h.db.kysely, { name: "督查系统", role: "supervisor" })).token;
});
afterAll(() => h.close());

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });
const orgAudit = (action: string) => h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", "org").where("action", "=", action).orderBy("seq").execute();

async function signIn(openId: string) {
  const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
  const s = await createSession(h.db.kysely, user.id, h.deps.now());
  return { cookie: `xt_session=${s.sessionId}`, csrf: s.csrfToken };
}

describe("API tokens", () => {
  it("only admins: a supervisor token and a signed-in member are refused in Chinese", async () => {
    const bySupervisor = await json(await call("GET", "/api/admin/tokens", supervisor));
    expect(bySupervisor.status).toBe(403);
    expect(bySupervisor.body.error.message).toBe("该令牌的角色是 supervisor，此接口需要 admin 角色。");
    const member = await signIn("ou_member");
    const byMember = await json(await app.request("/api/admin/tokens", { headers: { cookie: member.cookie } }));
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.message).toBe("此功能需要管理员（admin）角色，您没有该角色；如需开通，请联系管理员。");
    const anonymous = await json(await call("GET", "/api/admin/tokens", null));
    expect(anonymous.status).toBe(401);
  });

  it("bad input is answered 400 with a correct example", async () => {
    const noName = await json(await call("POST", "/api/admin/tokens", admin, { role: "admin" }));
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain("name");
    expect(JSON.parse(noName.body.error.example)).toEqual({ name: "政务服务网对接", openId: "ou_zhangwei" });
    const adminForPerson = await json(await call("POST", "/api/admin/tokens", admin, { name: "x", role: "admin", openId: "ou_member" }));
    expect(adminForPerson.status).toBe(400);
    expect(adminForPerson.body.error.message).toContain("绑定人员的令牌只能以该人员的身份调用");
    const integrationAlone = await json(await call("POST", "/api/admin/tokens", admin, { name: "x", role: "integration" }));
    expect(integrationAlone.body.error.message).toContain("role 为 integration 时须填写 openId");
    const nobody = await json(await call("POST", "/api/admin/tokens", admin, { name: "x", openId: "ou_nobody" }));
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.message).toContain("找不到人员 ou_nobody");
  });

  it("a new token is shown once, only its hash is stored, the list never shows it; audited", async () => {
    const created = await json(await call("POST", "/api/admin/tokens", admin, { name: "数据中台" }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "数据中台", role: "admin", user: null });
    expect(created.body.token).toMatch(/^xt_[A-Za-z0-9_-]{40,}$/);
    const row = await h.db.kysely.selectFrom("apiTokens").selectAll().where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(row.tokenHash).toBe(hashToken(created.body.token));
    expect(JSON.stringify(row)).not.toContain(created.body.token);
    const list = await json(await call("GET", "/api/admin/tokens", admin));
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(JSON.stringify(list.body)).not.toContain(row.tokenHash);
    expect(list.body.items.find((t: any) => t.id === created.body.id)).toMatchObject({ name: "数据中台", role: "admin", user: null, revokedAt: null, lastUsedAt: null });
    // It works, and its use is recorded.
    expect((await call("GET", "/api/admin/tokens", created.body.token)).status).toBe(200);
    const used = await h.db.kysely.selectFrom("apiTokens").select("lastUsedAt").where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(used.lastUsedAt).not.toBeNull();
    const audit = await orgAudit("apiToken.create");
    expect(audit.at(-1)).toMatchObject({ actorName: "运维脚本", data: { id: created.body.id, name: "数据中台", role: "admin", user: null } });
    expect(JSON.stringify(audit)).not.toContain(created.body.token);
  });

  it("a revoked token is refused; revoking twice says so; audited", async () => {
    const created = await json(await call("POST", "/api/admin/tokens", admin, { name: "旧系统" }));
    expect((await call("GET", "/api/admin/tokens", created.body.token)).status).toBe(200);
    const revoked = await json(await call("POST", `/api/admin/tokens/${created.body.id}/revoke`, admin));
    expect(revoked).toEqual({ status: 200, body: { id: created.body.id, name: "旧系统" } });
    const refused = await json(await call("GET", "/api/admin/tokens", created.body.token));
    expect(refused).toMatchObject({ status: 401, body: { error: { message: "访问令牌无效或已吊销。" } } });
    const again = await json(await call("POST", `/api/admin/tokens/${created.body.id}/revoke`, admin));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("令牌「旧系统」已于");
    expect((await json(await call("POST", "/api/admin/tokens/999999/revoke", admin))).status).toBe(404);
    expect((await orgAudit("apiToken.revoke")).at(-1)).toMatchObject({ actorName: "运维脚本", data: { id: created.body.id, name: "旧系统", role: "admin" } });
    const list = await json(await call("GET", "/api/admin/tokens", admin));
    expect(list.body.items.find((t: any) => t.id === created.body.id).revokedAt).not.toBeNull();
  });

  it("a token bound to a person acts as that person; a refused call does not count as a use", async () => {
    const created = await json(await call("POST", "/api/admin/tokens", admin, { name: "政务服务网对接", openId: "ou_member" }));
    expect(created.body).toMatchObject({ role: "integration", user: { openId: "ou_member", name: "刘洋" } });
    const token = created.body.token as string;
    const lastUsed = async () => (await h.db.kysely.selectFrom("apiTokens").select("lastUsedAt").where("id", "=", created.body.id).executeTakeFirstOrThrow()).lastUsedAt;
    // Refused: the admin API is not for a person's token, nor is the supervisors' list for a member.
    expect((await call("GET", "/api/admin/tokens", token)).status).toBe(403);
    expect((await call("GET", "/api/supervision", token)).status).toBe(403);
    expect(await lastUsed()).toBeNull();
    const me = await json(await call("GET", "/api/me", token));
    expect(me.body).toMatchObject({ name: "刘洋", department: { code: "street" } });
    const raised = await json(await call("POST", "/api/requests", token, { text: "@市监局 核查某公司营业执照" }));
    expect(raised.status).toBe(201);
    const req = await h.db.kysely
      .selectFrom("requests")
      .innerJoin("users", "users.id", "requests.requesterId")
      .select(["users.openId", "requests.source"])
      .where("number", "=", raised.body.number)
      .executeTakeFirstOrThrow();
    expect(req).toEqual({ openId: "ou_member", source: "api" });
    expect(await lastUsed()).not.toBeNull();
    // Once revoked, the person's token no longer works either.
    await call("POST", `/api/admin/tokens/${created.body.id}/revoke`, admin);
    expect((await call("GET", "/api/me", token)).status).toBe(401);
  });

  it("an admin signed in to the mini-app manages tokens with the session (CSRF on writes)", async () => {
    const s = await signIn("ou_admin");
    const list = await app.request("/api/admin/tokens", { headers: { cookie: s.cookie } });
    expect(list.status).toBe(200);
    const noCsrf = await app.request("/api/admin/tokens", { method: "POST", headers: { cookie: s.cookie, "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
    expect(noCsrf.status).toBe(403);
    const made = await json(
      await app.request("/api/admin/tokens", {
        method: "POST",
        headers: { cookie: s.cookie, "x-csrf-token": s.csrf, "content-type": "application/json" },
        body: JSON.stringify({ name: "后台任务" }),
      }),
    );
    expect(made.status).toBe(201);
    expect((await orgAudit("apiToken.create")).at(-1)).toMatchObject({ actorName: "管理员老马", data: { name: "后台任务" } });
  });
});

describe("parked messages", () => {
  async function park(n: number, to: string) {
    await enqueueMessages(
      h.db.kysely,
      Array.from({ length: n }, (_, i) => ({ topic: "task.announced", to: { type: "chat_id" as const, id: to }, payload: { i } })),
      h.deps.now(),
    );
    await h.db.kysely
      .updateTable("outbox")
      .set({ parkedAt: h.deps.now(), parkReason: "平台拒收，重试也不会成功，已停止发送：230002 Bot/User can NOT be out of the chat.", lastError: "230002 Bot/User can NOT be out of the chat.", attempts: 1 })
      .where("recipientId", "=", to)
      .execute();
    return (await h.db.kysely.selectFrom("outbox").select("id").where("recipientId", "=", to).orderBy("id").execute()).map((r) => r.id);
  }
  const outboxAudit = () => h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", "outbox").orderBy("seq").execute();

  it("lists each parked message with its error; retry one puts it back in the queue, audited", async () => {
    const [a, b] = await park(2, "oc_gone");
    const list = await json(await call("GET", "/api/admin/outbox/parked", admin));
    expect(list.body.items.filter((i: any) => i.recipient.id === "oc_gone").map((i: any) => [i.id, i.lastError])).toEqual([
      [b, "230002 Bot/User can NOT be out of the chat."],
      [a, "230002 Bot/User can NOT be out of the chat."],
    ]);
    expect(await json(await call("POST", `/api/admin/outbox/${a}/retry`, admin))).toEqual({ status: 200, body: { ok: true } });
    const row = await h.db.kysely.selectFrom("outbox").selectAll().where("id", "=", a!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ parkedAt: null, attempts: 0, deliveredAt: null });
    expect((await outboxAudit()).at(-1)).toMatchObject({ action: "outbox.retry", actorName: "运维脚本", data: { ids: [a] } });
  });

  it("discard needs a reason (400 with an example), then the message leaves the list for good; audited", async () => {
    const [c] = await park(1, "oc_dissolved");
    const noReason = await json(await call("POST", `/api/admin/outbox/${c}/discard`, admin, {}));
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain("reason");
    expect(JSON.parse(noReason.body.error.example)).toEqual({ reason: "该群已解散，通知不再需要" });
    const bySupervisor = await json(await call("POST", `/api/admin/outbox/${c}/discard`, supervisor, { reason: "不要了" }));
    expect(bySupervisor.status).toBe(403);
    const done = await json(await call("POST", `/api/admin/outbox/${c}/discard`, admin, { reason: "该群已解散" }));
    expect(done).toEqual({ status: 200, body: { ok: true } });
    const list = await json(await call("GET", "/api/admin/outbox/parked", admin));
    expect(list.body.items.map((i: any) => i.id)).not.toContain(c);
    expect((await outboxAudit()).at(-1)).toMatchObject({
      action: "outbox.discard",
      actorName: "运维脚本",
      data: { id: c, reason: "该群已解散", recipient: "chat_id:oc_dissolved", lastError: "230002 Bot/User can NOT be out of the chat." },
    });
    // Neither "retry all" nor a second discard brings it back.
    const all = await json(await call("POST", "/api/admin/outbox/parked/retry", admin));
    expect(all.body.ids).not.toContain(c);
    expect((await h.db.kysely.selectFrom("outbox").select(["parkedAt", "discardReason"]).where("id", "=", c!).executeTakeFirstOrThrow()).discardReason).toBe("该群已解散");
    expect((await json(await call("POST", `/api/admin/outbox/${c}/discard`, admin, { reason: "再次作废" }))).status).toBe(404);
  });
});

describe("supervisors' search", () => {
  const search = async (who: { cookie: string }, query: string) => json(await app.request(`/api/supervision/search?${query}`, { headers: { cookie: who.cookie } }));

  it("finds by number and by text, filters by department, light and date, and shows sensitive requests only to who may see them", async () => {
    h.setNow("2026-11-24T10:00:00+08:00");
    const late = await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照 截止:1个工作日", source: "miniapp" });
    const secret = await h.as("ou_member", requestCreator, { text: "@税务局 核查举报线索", classification: "sensitive", source: "miniapp" });
    h.setNow("2026-12-01T10:00:00+08:00");
    const fresh = await h.as("ou_member", requestCreator, { text: "@市监局 @人社局 协查某餐馆用工情况", source: "miniapp" });
    const sup = await signIn("ou_sup");
    const adm = await signIn("ou_admin");

    const byNumber = await search(sup, `q=${late.request.number.toLowerCase()}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.items).toMatchObject([
      { number: late.request.number, title: "核查某公司营业执照", light: "red", fromDepartment: { code: "street" }, departments: [{ code: "amr", name: "市市场监督管理局" }] },
    ]);
    const byText = await search(sup, `q=${encodeURIComponent("餐馆用工")}`);
    expect(byText.body.items.map((i: any) => [i.number, i.departments.map((d: any) => d.code)])).toEqual([[fresh.request.number, ["amr", "hrss"]]]);

    const red = await search(sup, "light=red&from=street");
    expect(red.body.items.map((i: any) => i.number)).toContain(late.request.number);
    expect(red.body.items.map((i: any) => i.number)).not.toContain(fresh.request.number);
    const dated = await search(sup, "createdFrom=2026-12-01&createdTo=2026-12-01");
    expect(dated.body.items.map((i: any) => i.number)).toEqual([fresh.request.number]);
    const toTax = await search(sup, "to=tax");
    expect(toTax.body.items.map((i: any) => [i.number, i.classification])).toContainEqual([secret.request.number, "sensitive"]);

    // The admin searches too, but a sensitive request they are not part of is not there, by number or by text.
    expect((await search(adm, `q=${secret.request.number}`)).body.items).toEqual([]);
    expect(JSON.stringify((await search(adm, "to=tax")).body)).not.toContain("举报线索");

    // Paged: one at a time, newest first, the cursor leads to the next.
    const first = await search(sup, "from=street&limit=1");
    expect(first.body.items[0].number).toBe(fresh.request.number);
    const second = await search(sup, `from=street&limit=1&cursor=${first.body.next}`);
    expect(second.body.items[0].number).toBe(secret.request.number);
  });

  it("others are refused in Chinese; bad filters are answered with an example", async () => {
    const member = await signIn("ou_member");
    const refused = await search(member, "q=营业执照");
    expect(refused).toMatchObject({ status: 403, body: { error: { message: "只有督查人员和管理员可以检索全部事项；查找本部门的事项请用「部门收件」「部门发件」。" } } });
    const sup = await signIn("ou_sup");
    const badDate = await search(sup, "createdFrom=2026-13-01");
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.message).toContain("createdFrom 不是有效日期");
    expect(badDate.body.error.example).toContain("/api/supervision/search?");
    const badLight = await search(sup, "light=blue");
    expect(badLight.body.error.message).toContain("light 只能是 green（绿灯）、yellow（黄灯）或 red（红灯）");
    const unknown = await search(sup, "to=nowhere");
    expect(unknown.status).toBe(404);
  });
});

describe("structured 发起 (form)", () => {
  const send = async (who: { cookie: string; csrf: string }, path: string, body: unknown) =>
    json(await app.request(path, { method: "POST", headers: { cookie: who.cookie, "x-csrf-token": who.csrf, "content-type": "application/json" }, body: JSON.stringify(body) }));

  it("raises a 联办 request to two departments through the same planner and command; the preview says what is created", async () => {
    h.setNow("2026-12-01T10:00:00+08:00"); // Tuesday
    const member = await signIn("ou_member");
    const form = { departments: ["amr", "tax"], content: "核查某公司 @税务 营业执照与纳税情况\n附材料清单", category: "企业核查", dueDate: "2026-12-03", priority: "urgent" };
    const preview = await send(member, "/api/requests/preview", { form });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      targets: [{ code: "amr" }, { code: "tax" }],
      lead: { code: "amr" },
      priority: "urgent",
      category: "企业核查",
      dueAt: "2026-12-03T09:30:00.000Z",
    });
    const created = await send(member, "/api/requests", { form, classification: "internal" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      dueAt: preview.body.dueAt,
      targets: [
        { code: "amr", role: "lead" },
        { code: "tax", role: "supporting" },
      ],
    });
    const row = await h.db.kysely.selectFrom("requests").selectAll().where("number", "=", created.body.number).executeTakeFirstOrThrow();
    // The content is taken as written: "@税务" is text, not a third department.
    expect(row).toMatchObject({ title: "核查某公司 @税务 营业执照与纳税情况", body: "核查某公司 @税务 营业执照与纳税情况 附材料清单", category: "企业核查", priority: "urgent", source: "miniapp" });
  });

  it("refuses a date later than the rule allows, an unknown department, and a body with neither text nor form", async () => {
    const member = await signIn("ou_member");
    const late = await send(member, "/api/requests/preview", { form: { departments: ["amr"], content: "核查营业执照", dueDate: "2027-03-01" } });
    expect(late.status).toBe(422);
    expect(late.body.error.message).toContain("晚于规则允许的 3 个工作日");
    const unknown = await send(member, "/api/requests", { form: { departments: ["nowhere"], content: "核查" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain("找不到部门 nowhere");
    expect(JSON.parse(unknown.body.error.example)).toMatchObject({ departments: ["city-amr", "city-tax"] });
    const neither = await send(member, "/api/requests", { classification: "internal" });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toContain("请填写 text（与聊天中 /发起 之后的内容相同）或 form（结构化表单）二者之一");
    expect(neither.body.error.example).toContain("@市监局");
  });
});
