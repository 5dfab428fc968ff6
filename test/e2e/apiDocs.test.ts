import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { collectOperations, ErrorSchema, type CollectedOperation, type OpenApiDocument } from "../../src/http/openapi";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// The API is documented at /api/docs (OpenAPI 3.1 at /api/openapi.json) from the routes' own validators and
// descriptions. These tests hold the document to the code: every route is in it, every example in it is
// accepted, and real answers have exactly the documented shape.

let h: BotHarness;
let ops: CollectedOperation[];
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
  ops = collectOperations(h.app);
});
afterAll(() => h.close());

/** The documented operation a concrete request lands on. */
function operationFor(method: string, path: string): CollectedOperation {
  const candidates = ops.filter((o) => {
    if (o.method !== method.toLowerCase()) return false;
    const pattern = o.path.replace(/:(\w+)(\{(.*?)\})?(?=\/|$)/g, (_m, _n, _p, re: string | undefined) => `(${re ?? "[^/]+"})`);
    return new RegExp(`^${pattern}$`).test(path);
  });
  expect(candidates.length, `${method} ${path} is not a documented route`).toBeGreaterThan(0);
  return candidates[0]!;
}

/** Calls the running server and checks the answer against the documentation of that route and status. */
async function call(auth: string, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  const op = operationFor(method, path.split("?")[0]!);
  const documented = op.part.info?.responses?.[res.status];
  if (res.status >= 400) {
    ErrorSchema.parse(json);
  } else {
    expect(documented, `${method} ${path} answered ${res.status}, which its documentation does not list`).toBeDefined();
    if (documented?.schema) (documented.schema as z.ZodType).parse(json);
  }
  return { status: res.status, json };
}

async function tokenFor(openId: string): Promise<string> {
  const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
  return (await issueApiToken(h.db.kysely, { name: `test ${openId}`, role: "integration", userId: user.id })).token;
}

describe("the API documentation", () => {
  it("lists every route under /api with a summary, a tag, who may call it, and its parameters", async () => {
    const res = await fetch(`${h.base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    // Every route the app serves under /api is in the document, and nothing else.
    const served = ops.map((o) => `${o.method} ${o.path.replace(/:(\w+)(\{(.*?)\})?(?=\/|$)/g, "{$1}")}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    for (const o of ops) {
      expect(o.part.info?.summary, `${o.method} ${o.path} has no summary`).toBeTruthy();
      expect(o.part.info?.auth, `${o.method} ${o.path} does not say who may call it`).toBeTruthy();
    }
    expect(documented).toEqual(
      expect.arrayContaining(["get /api/inbox", "get /api/outbox", "get /api/requests/{number}", "post /api/tasks/{id}/accept", "post /api/requests/{number}/{decision}", "get /api/board", "post /api/admin/import"]),
    );
    const inbox = doc.paths["/api/inbox"]!.get!;
    expect(inbox.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["state", "due", "category", "from", "q", "cursor", "limit"]));
    expect(inbox.security).toEqual([{ session: [], csrf: [] }, { bearer: [] }]);
    const decision = doc.paths["/api/requests/{number}/{decision}"]!.post!;
    expect(decision.parameters.find((p) => p.name === "decision")).toMatchObject({ in: "path", required: true, schema: { enum: ["approve", "reject"] } });
    // The statuses routes really answer, each error with the error schema (the import's report inside it).
    const statuses = (path: string, method: string) => Object.keys((doc.paths[path] as Record<string, { responses: object }>)[method]!.responses);
    expect(statuses("/api/inbox", "get")).toEqual(expect.arrayContaining(["400", "404"]));
    expect(statuses("/api/outbox", "get")).toEqual(expect.arrayContaining(["400", "404"]));
    expect(statuses("/api/admin/routing/dry-run", "post")).toEqual(expect.arrayContaining(["400", "422"]));
    expect(statuses("/api/auth/code", "post")).toEqual(expect.arrayContaining(["400", "403", "422"]));
    expect(doc.paths["/api/admin/import"]!.post!.responses["422"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    expect((doc.components as any).schemas.Error.properties.error.properties.report.properties.rejected).toMatchObject({ type: "array" });
    expect(doc.paths["/api/tasks/{id}/accept"]!.post!.parameters.find((p) => p.name === "id")).toMatchObject({ schema: { type: "integer", minimum: 1, maximum: 2147483647 } });
    expect(doc.paths["/api/tasks/{id}/return"]!.post!.requestBody).toMatchObject({
      content: { "application/json": { schema: { required: ["reason"] }, example: { reason: "不属于本部门职责，建议转税务局" } } },
    });
  });

  it("every example in it is accepted by the route's own validation", () => {
    let checked = 0;
    for (const o of ops) {
      if (o.part.body) {
        const r = o.part.body.schema.safeParse(o.part.body.example);
        expect(r.success, `${o.method} ${o.path}: example ${JSON.stringify(o.part.body.example)} is refused: ${r.error?.message}`).toBe(true);
        checked++;
      }
      if (o.part.query) {
        const query = Object.fromEntries(new URL(o.part.query.example, "http://x").searchParams);
        const r = o.part.query.schema.safeParse(query);
        expect(r.success, `${o.method} ${o.path}: example ${o.part.query.example} is refused`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it("/api/docs is a readable page in Chinese with every route", async () => {
    const res = await fetch(`${h.base}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).toContain("协同 xietong API");
    expect(page).toContain("部门收件");
    for (const o of ops) expect(page).toContain(o.path.replace(/:(\w+)(\{(.*?)\})?(?=\/|$)/g, "{$1}"));
    expect(page).not.toMatch(/<script/i);
  });
});

describe("real answers have the documented shape", () => {
  it("views, choosers, raising a request and acting on it, as integrations calling with a person's token", async () => {
    const member = await tokenFor("ou_liuyang");
    const dispatcher = await tokenFor("ou_lina");
    const handler = await tokenFor("ou_wangfang");
    const supervisor = await tokenFor("ou_jiangping");

    const preview = await call(member, "POST", "/api/requests/preview", { text: "@市监局 核查某公司营业执照 截止:3个工作日" });
    expect(preview.json).toMatchObject({ targets: [{ code: "city-amr" }], dueAt: "2026-11-26T09:30:00.000Z" });
    const created = await call(member, "POST", "/api/requests", { text: "@市监局 核查某公司营业执照 截止:3个工作日" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "pending_accept", dueAt: "2026-11-26T09:30:00.000Z", targets: [{ code: "city-amr", role: "lead" }] });
    const number = created.json.number as string;
    const row = await h.db.kysely.selectFrom("requests").select(["source", "status"]).where("number", "=", number).executeTakeFirstOrThrow();
    expect(row).toEqual({ source: "api", status: "pending_accept" });

    const detail = await call(dispatcher, "GET", `/api/requests/${number}`);
    const task = (detail.json.tasks as Array<{ id: number; actions: string[] }>)[0]!;
    // The dispatcher may accept, return or transfer; not complete, approve or rate.
    expect(task.actions).toEqual(["accept", "return", "transfer"]);
    expect(detail.json.actions).toEqual(["comment"]);
    expect((await call(member, "GET", `/api/requests/${number}`)).json.actions).toEqual(["withdraw", "urge", "comment"]);

    const people = await call(dispatcher, "GET", "/api/departments/city-amr/people");
    expect(people.json.items).toEqual(expect.arrayContaining([{ openId: "ou_wangfang", name: "王芳", roles: ["handler"] }]));
    expect((await call(member, "GET", "/api/departments/city-amr/people")).status).toBe(403);
    const departments = await call(member, "GET", "/api/departments");
    expect(departments.json.items).toEqual(expect.arrayContaining([{ code: "city-amr", name: "市市场监督管理局", aliases: expect.arrayContaining(["市监局"]), parent: expect.anything() }]));

    await call(dispatcher, "POST", `/api/tasks/${task.id}/accept`, { assigneeOpenId: "ou_wangfang" });
    const handling = await call(handler, "GET", `/api/requests/${number}`);
    expect((handling.json.tasks as Array<{ actions: string[] }>)[0]!.actions).toEqual(["requestInfo", "complete", "requestExtension"]);
    expect((await call(handler, "POST", `/api/tasks/${task.id}/request-info`, { question: "请提供统一社会信用代码" })).json).toEqual({ taskId: task.id, state: "awaiting_info" });
    expect((await call(member, "GET", `/api/requests/${number}`)).json.tasks).toMatchObject([{ actions: ["supplyInfo"] }]);
    expect((await call(member, "POST", `/api/tasks/${task.id}/supply-info`, { content: "91330100MA2XXXXXX" })).json).toEqual({ taskId: task.id, state: "in_progress" });
    expect((await call(member, "POST", `/api/requests/${number}/comments`, { body: "企业联系人李先生" })).status).toBe(201);
    expect((await call(member, "POST", `/api/requests/${number}/urge`, {})).json).toEqual({ ok: true, urged: 1 });
    await call(handler, "POST", `/api/tasks/${task.id}/complete`, { result: "经核查，营业执照真实有效" });
    expect((await call(member, "GET", `/api/requests/${number}`)).json.tasks).toMatchObject([{ state: "completed", actions: ["evaluate"] }]);
    await call(member, "POST", `/api/tasks/${task.id}/evaluate`, { score: 5 });
    expect((await call(member, "GET", `/api/requests/${number}`)).json.tasks).toMatchObject([{ evaluation: { score: 5, label: "非常满意", comment: null }, actions: [] }]);

    // Categories: the rules' first (the demo city's 环保 rule), then those requests used.
    await call(member, "POST", "/api/requests", { text: "@市监局 核查某餐馆后厨 #食品安全" });
    expect((await call(member, "GET", "/api/categories")).json.items).toEqual(["环保", "食品安全"]);
    const inbox = await call(dispatcher, "GET", `/api/inbox?category=${encodeURIComponent("食品安全")}`);
    expect(inbox.json.items).toMatchObject([{ title: "核查某餐馆后厨", category: "食品安全", fromDepartment: { code: "dh-binjiang" } }]);
    await call(dispatcher, "GET", "/api/todo");
    await call(member, "GET", "/api/mine?limit=5");
    await call(dispatcher, "GET", "/api/inbox?state=completed");
    await call(member, "GET", "/api/outbox?state=completed&to=city-amr");
    await call(supervisor, "GET", "/api/board");
    await call(supervisor, "GET", "/api/board/cell?from=dh-binjiang&to=city-amr");
    await call(member, "GET", "/api/me");
  });

  it("bad input is answered in Chinese with a correct example", async () => {
    const member = await tokenFor("ou_chenjing");
    const notJson = await fetch(`${h.base}/api/requests`, { method: "POST", headers: { authorization: `Bearer ${member}`, "content-type": "application/json" }, body: "{text:" });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toEqual({ code: "invalid_json", message: "请求体不是合法的 JSON。", example: '{"text":"@市监局 核查某公司营业执照 截止:3个工作日"}' });
    const empty = await call(member, "POST", "/api/requests", {});
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: "invalid_input", message: "请求参数有误：text: 请填写 text（与聊天中 /发起 之后的内容相同）或 form（结构化表单）二者之一", example: expect.stringContaining("@市监局") });
    const cursor = await call(member, "GET", "/api/outbox?cursor=not-a-cursor");
    expect(cursor.status).toBe(400);
    expect(cursor.json.error).toMatchObject({ code: "invalid_cursor", message: "翻页参数 cursor 无效：请原样使用上一页返回的 next 值，或去掉 cursor 从第一页开始。" });
    const state = await call(member, "GET", "/api/inbox?state=done");
    expect((state.json.error as { message: string }).message).toContain("state 只能是 pending_approval、pending_accept");
    const to = await call(member, "GET", "/api/outbox?to=nowhere");
    expect(to.status).toBe(404);
    expect((to.json.error as { message: string }).message).toBe("找不到承办部门 nowhere：请使用部门编码，可从 GET /api/departments 获取。");
    const notATask = await fetch(`${h.base}/api/tasks/abc/accept`, { method: "POST", headers: { authorization: `Bearer ${member}` } });
    expect(notATask.status).toBe(404);
    // Text no database column can hold, ids past PostgreSQL's integer, and forged cursors are refused in Chinese.
    const nul = await call(member, "POST", "/api/requests", { text: "@市监局 核查\u0000营业执照" });
    expect(nul.status).toBe(400);
    expect(nul.json.error).toEqual({
      code: "invalid_input",
      message: "请求参数有误：text 含有不允许的字符（空字符 U+0000 或不成对的代理项），请删除后重试。",
      example: '{"text":"@市监局 核查某公司营业执照 截止:3个工作日"}',
    });
    const surrogate = await call(member, "POST", "/api/requests/XT-2026-000001/comments", { body: "企业联系人\ud800" });
    expect((surrogate.json.error as { message: string }).message).toContain("body 含有不允许的字符");
    expect((await call(member, "GET", "/api/requests/XT-2026-%00")).status).toBe(400);
    const hugeId = await call(member, "POST", "/api/tasks/2147483648/accept", {});
    expect(hugeId.status).toBe(400);
    expect(hugeId.json.error).toMatchObject({ code: "invalid_input", message: "请求参数有误：id: id 须为 1 到 2147483647 的整数", example: "/api/tasks/42/accept" });
    for (const forged of ["|2147483648", "2026-11-23T02:00:00.000Z|1", "|1"]) {
      const path = forged === "|1" ? "/api/inbox" : "/api/mine";
      const res = await call(member, "GET", `${path}?cursor=${Buffer.from(forged).toString("base64url")}`);
      expect(res.json.error, `${path} ${forged}`).toMatchObject({ code: "invalid_cursor" });
    }
    const rating = await call(member, "POST", "/api/tasks/1/evaluate", { score: "五" });
    expect(rating.json.error).toMatchObject({ code: "invalid_input", message: "请求参数有误：score: score 须为 1 到 5 的整数", example: '{"score":5,"comment":"办理及时"}' });
  });
});
