import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import type { OpenApiDocument, Operation } from "../../src/http/openapi";
import { createHarness, type Harness } from "../support/harness";
import { BAD_CURSORS, encodeComponent, hostileString, hostileValue, RAW_FRAGMENTS } from "../support/hostileValues";
import { arbitraryOf, validate, type JsonSchema } from "../support/jsonSchema";
import { smallOrg } from "../support/smallOrg";

// Every operation the OpenAPI document lists, called as anonymous, a member (session cookie), a head (a person's
// API token) and an admin (admin token), with values generated from the operation's own schemas and hostile ones
// mixed in. Whatever comes in, the answer is below 500, its status and body are the documented ones, an error
// says what is wrong in Chinese, and a refused call leaves the database exactly as it was.

const SEED = 20261201;
const TOTAL_CASES = 5200;

let h: Harness;
let app: ReturnType<typeof createApp>;
let doc: OpenApiDocument;
const words: string[] = [];
const taskIds: number[] = [];
const actors: Record<string, () => Record<string, string>> = {};

/**
 * What a refused call wrote: every statement that changes a table (a token's last use aside) logs the table's
 * name in fuzz_writes, from a trigger of this test's database; a rolled-back transaction takes its log lines with
 * it. The highest log id is the fingerprint: unchanged means nothing was written.
 */
async function installWriteLog() {
  await sql`create table fuzz_writes (id serial primary key, tbl text not null)`.execute(h.db.kysely);
  await sql`create function fuzz_log() returns trigger language plpgsql as $$ begin insert into fuzz_writes (tbl) values (tg_table_name); return null; end $$`.execute(h.db.kysely);
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'fuzz_writes'`.execute(h.db.kysely);
  for (const { name } of tables.rows) {
    // Using a token records when it was last used, refused call or not; any other change to tokens counts.
    const events = name === "api_tokens" ? "insert or delete or update of name, token_hash, role, user_id, revoked_at" : "insert or update or delete";
    await sql.raw(`create trigger fuzz_log after ${events} on "${name}" for each row execute function fuzz_log()`).execute(h.db.kysely);
  }
}
async function fingerprint(): Promise<number> {
  const r = await sql<{ n: number | null }>`select max(id) as n from fuzz_writes`.execute(h.db.kysely);
  return Number(r.rows[0]?.n ?? 0);
}
async function writtenSince(n: number): Promise<string[]> {
  const r = await sql<{ tbl: string }>`select distinct tbl from fuzz_writes where id > ${n} order by 1`.execute(h.db.kysely);
  return r.rows.map((x) => x.tbl);
}

let member = { cookie: "", csrf: "" };
async function signInMember() {
  const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", "ou_member").executeTakeFirstOrThrow();
  const s = await createSession(h.db.kysely, user.id, h.deps.now());
  member = { cookie: `xt_session=${s.sessionId}`, csrf: s.csrfToken };
}

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  // A small world to act on: a routed request, one accepted, one awaiting approval, one sensitive.
  const made = [
    await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照 截止:3个工作日", source: "miniapp" }),
    await h.as("ou_member", requestCreator, { text: "@市监局 @税务局 核查某餐馆 #食品安全", source: "miniapp" }),
    await h.as("ou_member", requestCreator, { text: "某企业申请注销，请协助核查", source: "miniapp" }),
    await h.as("ou_member2", requestCreator, { text: "@人社局 核查社保缴纳情况", source: "api", classification: "sensitive" }),
  ];
  await h.as("ou_amrdisp", taskAccepter, { task: { taskId: made[0]!.tasks[0]!.id }, assignee: { openId: "ou_amrhandler" } });
  for (const m of made) {
    words.push(m.request.number);
    taskIds.push(...m.tasks.map((t) => t.id));
  }
  words.push(
    ...smallOrg.departments.map((d) => d.code),
    ...smallOrg.users.map((u) => u.openId),
    "@市监局 核查某公司营业执照 截止:3个工作日",
    "某企业申请注销，请协助核查",
    "食品安全",
    "证照核查",
    "经核查，营业执照真实有效",
    "2026-11-30T10:00:00+08:00",
  );
  const person = (openId: string) => h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
  const head = (await issueApiToken(h.db.kysely, { name: "张伟的系统", role: "integration", userId: (await person("ou_amrhead")).id })).token;
  const admin = (await issueApiToken(h.db.kysely, { name: "运维", role: "admin" })).token;
  await signInMember();
  actors.anonymous = () => ({});
  actors.member = () => ({ cookie: member.cookie, "x-csrf-token": member.csrf });
  actors.head = () => ({ authorization: `Bearer ${head}` });
  actors.admin = () => ({ authorization: `Bearer ${admin}` });

  await installWriteLog();
  doc = (await (await app.request("/api/openapi.json")).json()) as OpenApiDocument;
  // More to set up than most files (an org, requests, a trigger per table): on a busy shared machine, give it time.
}, 180_000);
afterAll(() => h.close());

const resolve = (ref: string) => (doc.components as { schemas: Record<string, JsonSchema> }).schemas[ref.replace("#/components/schemas/", "")]!;
const word = () => fc.constantFrom(...words);

/** A path parameter's value, already encoded for the URL. */
function pathValue(p: JsonSchema): fc.Arbitrary<string> {
  const schema = p.schema as JsonSchema;
  const valid: fc.Arbitrary<string> = Array.isArray(schema.enum)
    ? fc.constantFrom(...(schema.enum as string[]))
    : schema.type === "integer" || schema.pattern === "^[0-9]+$"
      ? fc.oneof(fc.constantFrom(...taskIds.map(String)), fc.constantFrom("1", "2147483647", "2147483648", "4294967296", "9007199254740993", "99999999999999999999"), fc.nat().map(String))
      : word().map(encodeComponent);
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostileString.map(encodeComponent) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_FRAGMENTS) });
}

/** The query string: each documented parameter absent, valid, hostile or broken. */
function queryString(params: JsonSchema[]): fc.Arbitrary<string> {
  if (params.length === 0) return fc.constant("");
  const one = (p: JsonSchema) => {
    const name = p.name as string;
    const valid = arbitraryOf(p.schema as JsonSchema, resolve, word()).map((v) => encodeComponent(String(v)));
    const options = [
      { weight: 3, arbitrary: valid },
      { weight: 1, arbitrary: hostileString.map(encodeComponent) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_FRAGMENTS) },
      ...(name === "cursor" ? [{ weight: 3, arbitrary: fc.constantFrom(...BAD_CURSORS) }] : []),
    ];
    return fc.option(fc.oneof(...options), { freq: 2 }).map((v) => (v === null ? null : `${encodeURIComponent(name)}=${v}`));
  };
  return fc.tuple(...params.map(one)).map((parts) => {
    const present = parts.filter((x): x is string => x !== null);
    return present.length ? `?${present.join("&")}` : "";
  });
}

/** A body from the schema with hostile values mixed in, the example, nothing, or no JSON at all. */
function body(op: Operation): fc.Arbitrary<string | undefined> {
  const content = (op.requestBody as { content: Record<string, { schema: JsonSchema; example: unknown }> } | undefined)?.content["application/json"];
  const broken = fc.constantFrom("", "{", "{text:", "null", "[]", '"x"', "42", "\u0000", '{"a":1}\u0000', '{"text":"\\u0000"}', '{"text":"\\ud800"}', '{"code":"\\udc00x"}', '{"score":1e999}');
  if (!content) return fc.oneof(fc.constant(undefined), broken, hostileValue.map((v) => JSON.stringify(v)));
  const schema = content.schema;
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const mixed = fc.record(
    Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fc.oneof({ weight: 3, arbitrary: arbitraryOf(s, resolve, word()) }, { weight: 2, arbitrary: hostileValue })])),
    { requiredKeys: ((schema.required ?? []) as string[]).filter((k) => k in props) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: mixed.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: arbitraryOf(schema, resolve, word()).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(content.example)) },
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v)) },
  );
}

interface Finding {
  op: string;
  actor: string;
  url: string;
  body: string | undefined;
  status: number;
  problem: string;
}

describe("the API under fuzzed input", () => {
  it("never answers 5xx, answers only what is documented, in Chinese, and a refused call writes nothing", { timeout: 600_000 }, async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const actorNames = Object.keys(actors);
    const perPair = Math.ceil(TOTAL_CASES / (operations.length * actorNames.length));
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    let cases = 0;
    let known: number | null = null;

    for (const [i, { path, method, op }] of operations.entries()) {
      const pathParams = op.parameters.filter((p) => p.in === "path");
      const queryParams = op.parameters.filter((p) => p.in === "query");
      const url = fc.tuple(...pathParams.map(pathValue), queryString(queryParams)).map((parts) => {
        const query = parts.pop()!;
        let filled = path;
        pathParams.forEach((p, k) => (filled = filled.replace(`{${p.name as string}}`, parts[k]!)));
        return filled + query;
      });
      for (const [j, actor] of actorNames.entries()) {
        await fc.assert(
          fc.asyncProperty(url, method === "get" ? fc.constant(undefined) : body(op), fc.boolean(), async (target, payload, dropCsrf) => {
            cases++;
            const before = known ?? (await fingerprint());
            const headers: Record<string, string> = { ...actors[actor]!(), ...(payload === undefined ? {} : { "content-type": "application/json" }) };
            if (dropCsrf && actor === "member" && target.length % 7 === 0) delete headers["x-csrf-token"];
            const res = await app.request(target, { method: method.toUpperCase(), headers, ...(payload === undefined ? {} : { body: payload }) });
            const text = await res.text();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const found = (problem: string) => findings.push({ op: `${method} ${path}`, actor, url: target, body: payload?.slice(0, 300), status: res.status, problem });
            const documented = op.responses[String(res.status)] as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
            // Signing in needs the chat platform, which this app has none of: that one 503 is by design.
            const noPlatform = res.status === 503 && path === "/api/auth/code" && text.includes('"code":"unavailable"');
            if (res.status >= 500 && !noPlatform) found(`server error: ${text.slice(0, 300)}`);
            else if (!documented) found(`status ${res.status} is not documented: ${text.slice(0, 300)}`);
            else if (res.headers.get("content-type")?.includes("application/json")) {
              const schema = documented.content?.["application/json"]?.schema;
              const json = JSON.parse(text) as { error?: { message?: unknown } };
              if (!schema) found("a JSON answer with no documented schema");
              else {
                const errors = validate(schema, json, resolve);
                if (errors.length) found(`body does not match the documented schema: ${errors.slice(0, 5).join("; ")}`);
              }
              if (res.status >= 400 && !/[\u4e00-\u9fff]/.test(String(json.error?.message))) found(`error message is not in Chinese: ${text.slice(0, 200)}`);
            } else if (documented.content?.["application/json"]) found(`answered ${res.headers.get("content-type")}, documented as JSON`);
            if (res.status >= 400) {
              const after = await fingerprint();
              if (after !== before) found(`a refused call changed ${(await writtenSince(before)).join(", ")}`);
              known = after;
            } else {
              known = null;
              // Signing out ends the member's session: sign in again for the cases that follow.
              if (path === "/api/auth/logout") await signInMember();
            }
            return true;
          }),
          { seed: SEED + i * 10 + j, numRuns: perPair, endOnFailure: true },
        );
      }
    }

    // One line per kind of finding (operation, status, problem), with how often and the first example.
    const kinds = new Map<string, { count: number; first: Finding }>();
    for (const f of findings) {
      const key = `${f.status} ${f.op}: ${f.problem.slice(0, 60)}`;
      const k = kinds.get(key) ?? { count: 0, first: f };
      k.count++;
      kinds.set(key, k);
    }
    const summary = [...kinds.values()].map(
      ({ count, first: f }) => `${count}× ${f.status} ${f.op} as ${f.actor}: ${f.url}${f.body === undefined ? "" : ` body=${JSON.stringify(f.body)}`}\n    ${f.problem}`,
    );
    expect(summary, `${findings.length} of ${cases} cases went wrong`).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(5000);
    // The cases reach past validation: some succeed and some are refused by the rules, not only by the parser.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 403, 404]));
  });
});
