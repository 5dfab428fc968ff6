import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotRuntime } from "../../bot/runtime";
import { loadConfig } from "../../src/config";
import { createDb } from "../../src/db/client";
import { createApp } from "../../src/http/app";
import { jobs } from "../../src/jobs";
import { createScheduler } from "../../src/jobs/scheduler";
import type { LogFields, Logger } from "../../src/observability";
import { createPrometheusMetrics } from "../../src/observability/prometheus";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { createTestDb } from "../support/db";
import { startTcpProxy } from "../support/tcpProxy";

// What an operator sees of a running server: GET /readyz, GET /metrics and the JSON request log.

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const pg = process.env.TEST_DATABASE_URL;

/** A logger that keeps every record, to read what the server logged. */
function capturingLogger(): Logger & { records: Array<LogFields & { msg: string }> } {
  const records: Array<LogFields & { msg: string }> = [];
  const keep = (f: LogFields, msg: string) => void records.push({ ...f, msg });
  return { records, info: keep, warn: keep, error: keep };
}

const log = capturingLogger();
let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { obs: { log, metrics: createPrometheusMetrics() }, config: { metricsToken: METRICS_TOKEN } });
});
afterAll(() => h.close());

const metrics = (auth?: string) => fetch(`${h.base}/metrics`, auth ? { headers: { authorization: auth } } : {});
/** The value of one series in a Prometheus exposition, or undefined when it is absent. */
function series(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("GET /readyz", () => {
  it("answers 200 when the database answers, its schema is this version's and the platform gives a token (the sandbox)", async () => {
    const res = await fetch(`${h.base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: { ok: true }, migrations: { ok: true }, platform: { ok: true } } });
  });

  it("answers 503 naming a migration the database has not run, in Chinese and with an English code", async () => {
    const db = await createTestDb();
    try {
      const last = await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(db.kysely);
      await sql`delete from kysely_migration where name = ${last.rows[0]!.name}`.execute(db.kysely);
      const res = await createApp({ db, config: loadConfig({}), now: () => new Date() }).request("/readyz");
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean; code?: string; message?: string }>; error: { code: string; message: string } };
      expect(body.ok).toBe(false);
      expect(body.checks.database).toEqual({ ok: true });
      expect(body.checks.migrations).toMatchObject({ ok: false, code: "migrations_pending" });
      expect(body.checks.migrations!.message).toContain(`未执行：${last.rows[0]!.name}；请先运行 npm run migrate`);
      expect(body.error.code).toBe("not_ready");
      expect(body.error.message).toMatch(/^服务未就绪：数据库结构不是本版本的/);
    } finally {
      await db.close();
    }
  });

  it("answers 503 platform_token_failed when the Lark app cannot get a token", async () => {
    // A configured app whose platform address answers nothing.
    const env = { LARK_APP_ID: "cli_a1b2c3d4e5f60719", LARK_APP_SECRET: "secret", LARK_VERIFICATION_TOKEN: "v", LARK_DOMAIN: "http://127.0.0.1:1" };
    const bot = createBotRuntime(h.deps, env);
    await bot.start("http://127.0.0.1:1");
    try {
      const res = await createApp(h.deps, { routes: bot.routes, platformToken: () => bot.platformToken() }).request("/readyz");
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean; code?: string; message?: string }>; error: { message: string } };
      expect(body.checks.database).toEqual({ ok: true });
      expect(body.checks.platform).toMatchObject({ ok: false, code: "platform_token_failed" });
      expect(body.error.message).toContain("无法取得飞书应用令牌，请检查 LARK_APP_ID、LARK_APP_SECRET、LARK_DOMAIN 与网络");
    } finally {
      await bot.stop();
    }
  });

  // PostgreSQL only: PGlite runs inside the process, there is no server to lose.
  it.runIf(pg)("answers 503 database_unreachable while PostgreSQL is away and 200 once it is back", async () => {
    const db = await createTestDb();
    const target = new URL(pg!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(pg!);
    url.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await createDb({ databaseUrl: url.toString(), schema: db.schema, poolSize: 2 });
    try {
      const app = createApp({ db: viaProxy, config: loadConfig({}), now: () => new Date() });
      expect((await app.request("/readyz")).status).toBe(200);
      await proxy.away();
      const down = await app.request("/readyz");
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        ok: false,
        checks: { database: { ok: false, code: "database_unreachable" }, migrations: { ok: false, code: "not_checked", message: "数据库无法连接，未检查" } },
        error: { code: "not_ready" },
      });
      await proxy.back();
      let back = await app.request("/readyz");
      for (let i = 0; i < 20 && back.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        back = await app.request("/readyz");
      }
      expect(back.status).toBe(200);
    } finally {
      await viaProxy.close();
      await proxy.close();
      await db.close();
    }
  }, 60_000);
});

describe("GET /metrics", () => {
  it("is refused without the token (401), and does not exist when METRICS_TOKEN is unset (404)", async () => {
    const missing = await metrics();
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("Authorization: Bearer <METRICS_TOKEN>");
    expect((await metrics(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    const unset = await createApp({ ...h.deps, config: loadConfig({}) }).request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(unset.status).toBe(404);
    expect(await unset.json()).toEqual({ error: { code: "not_found", message: "监控指标未启用：设置环境变量 METRICS_TOKEN 后，以 Authorization: Bearer <METRICS_TOKEN> 访问 /metrics。" } });
  });

  it("shows requests by route pattern, webhook events by outcome, the outbox, open and overdue tasks, and job durations", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查营业执照 指标测试" });
    await h.flush();
    const request = await h.db.kysely.selectFrom("requests").select("number").where("title", "like", "%指标测试%").executeTakeFirstOrThrow();
    await fetch(`${h.base}/api/requests/${request.number}`); // unsigned in: 401, still counted under its pattern
    await h.sandbox.redeliverLast(); // the same event again
    await createScheduler(h.deps, jobs).tick();

    let text = await (await metrics(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).toContain(`xietong_http_requests_total{method="POST",route="/lark/events",status="200"}`);
    expect(text).toContain(`xietong_http_requests_total{method="GET",route="/api/requests/:number",status="401"} 1`);
    expect(text).not.toContain(request.number); // the pattern, never the raw path
    expect(text).toMatch(/xietong_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/lark\/events"\}/);
    expect(text).toContain(`xietong_webhook_events_total{outcome="message_stored"} 2`);
    expect(text).toMatch(/xietong_job_duration_seconds_count\{job="deadlineSweep",result="ok"\} 1/);
    const waiting = async () => (await h.db.kysely.selectFrom("outbox").select("createdAt").where("deliveredAt", "is", null).where("parkedAt", "is", null).execute()).length;
    const before = await waiting();
    expect(series(text, "xietong_outbox_pending")).toBe(before);
    expect(series(text, "xietong_outbox_parked")).toBe(0);
    expect(series(text, "xietong_inbox_pending")).toBe(0);
    const open = series(text, "xietong_tasks_open")!;
    expect(open).toBeGreaterThanOrEqual(1);
    expect(series(text, "xietong_tasks_overdue")).toBe(0);

    // A month later every open task is overdue; a message queued then waits in the outbox. The bot's loops stop
    // first (they are idempotent to stop again at the end), so that no message of the first part is still being
    // queued or sent while the rows below are counted.
    await h.bot.stop();
    h.advanceHours(24 * 30);
    await h.db.kysely
      .insertInto("outbox")
      .values({ topic: "test.waiting", recipientType: "open_id", recipientId: "ou_liuyang", payload: JSON.stringify({}), uuid: "metrics-waiting", nextAttemptAt: new Date(h.deps.now().getTime() + 3600_000), createdAt: new Date(h.deps.now().getTime() - 90_000) })
      .execute();
    await h.db.kysely.updateTable("outbox").set({ parkedAt: h.deps.now(), parkReason: "测试" }).where("uuid", "!=", "metrics-waiting").where("deliveredAt", "is", null).where("parkedAt", "is", null).execute();
    text = await (await metrics(`Bearer ${METRICS_TOKEN}`)).text();
    expect(series(text, "xietong_tasks_overdue")).toBe(open);
    expect(series(text, "xietong_outbox_pending")).toBe(1);
    expect(series(text, "xietong_outbox_oldest_age_seconds")).toBe(90);
    expect(series(text, "xietong_outbox_parked")).toBe(before);
  });
});

describe("the request log", () => {
  it("one JSON record per request with its request id, method, route pattern, status and duration; never the message text", async () => {
    log.records.length = 0;
    const res = await fetch(`${h.base}/api/requests/XT-2026-999999`, { headers: { "x-request-id": "lb-7f3a" } });
    expect(res.headers.get("x-request-id")).toBe("lb-7f3a");
    const own = await fetch(`${h.base}/api/me`);
    const ownId = own.headers.get("x-request-id")!;
    expect(ownId).toMatch(/^[0-9a-f-]{36}$/);
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 请核查一家企业的秘密名单" });
    await h.flush();

    expect(log.records).toContainEqual({ requestId: "lb-7f3a", method: "GET", route: "/api/requests/:number", status: 401, ms: expect.any(Number), msg: "request" });
    expect(log.records.find((r) => r.requestId === ownId)).toMatchObject({ method: "GET", route: "/api/me", status: 401 });
    const webhook = log.records.find((r) => r.msg === "webhook event" && r.outcome === "message_stored")!;
    expect(webhook).toMatchObject({ eventType: "im.message.receive_v1", eventId: expect.any(String), requestId: expect.any(String) });
    expect(log.records).toContainEqual(expect.objectContaining({ requestId: webhook.requestId, route: "/lark/events", status: 200 }));
    const everything = JSON.stringify(log.records);
    expect(everything).not.toContain("秘密名单");
    expect(everything).not.toContain("XT-2026-999999");
  });
});
