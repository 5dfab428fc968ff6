import { createHash, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { Hono } from "hono";
import { readOpsFigures } from "../../db/repositories/opsFigures";
import { pendingMigrations } from "../../db/migrator";
import { observability } from "../../observability";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { NotReadySchema, ReadySchema } from "../schemas";
import { describe } from "../validation";

export interface OpsRoutesOptions {
  /** obtains a platform token (the Lark app, or the sandbox); absent when the app has no chat side */
  platformToken?: (() => Promise<void>) | undefined;
  /** METRICS_TOKEN: unset, /metrics answers 404 */
  metricsToken?: string | undefined;
}

interface Check {
  ok: boolean;
  code?: string;
  message?: string;
}

const CHECK_TIMEOUT_MS = 3000;

/** A check that takes too long counts as failed: a load balancer must not wait on a hung database. */
async function check(run: () => Promise<void>, code: string, message: string): Promise<Check> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([run(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS)))]);
    return { ok: true };
  } catch (err) {
    return { ok: false, code, message: `${message}（${(err as Error).message?.slice(0, 200) ?? String(err)}）` };
  } finally {
    clearTimeout(timer);
  }
}

const sameSecret = (given: string, expected: string) => {
  // Hashed first: equal lengths for timingSafeEqual, and no early exit on the length.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
};

/** GET /readyz (may this server take traffic?) and GET /metrics (Prometheus, behind METRICS_TOKEN). */
export function opsRoutes(opts: OpsRoutesOptions) {
  return new Hono<AppEnv>()
    .get(
      "/readyz",
      describe({
        tag: "运维",
        auth: "public",
        summary: "就绪检查",
        description: "负载均衡据此决定是否把流量交给本服务器：数据库可以连接、数据库结构已迁移到本版本、能取得飞书应用令牌（配置了飞书应用或沙箱时）。任何一项未通过即答 503，并说明是哪一项。",
        responses: { 200: { description: "就绪", schema: ReadySchema }, 503: { description: "未就绪：checks 中 ok 为 false 的一项说明原因", schema: NotReadySchema } },
      }),
      async (c) => {
        const deps = c.get("deps");
        const checks: Record<string, Check> = {};
        checks.database = await check(async () => void (await sql`select 1`.execute(deps.db.kysely)), "database_unreachable", "数据库无法连接");
        checks.migrations = checks.database.ok
          ? await check(
              async () => {
                const pending = await pendingMigrations(deps.db);
                if (pending.length) throw new Error(`未执行：${pending.join("、")}；请先运行 npm run migrate`);
              },
              "migrations_pending",
              "数据库结构不是本版本的",
            )
          : { ok: false, code: "not_checked", message: "数据库无法连接，未检查" };
        if (opts.platformToken) checks.platform = await check(opts.platformToken, "platform_token_failed", "无法取得飞书应用令牌，请检查 LARK_APP_ID、LARK_APP_SECRET、LARK_DOMAIN 与网络");
        const failed = Object.entries(checks).filter(([, r]) => !r.ok);
        if (failed.length === 0) return c.json({ ok: true as const, checks }, 200);
        observability(deps).log.warn({ requestId: c.get("requestId"), failed: failed.map(([, r]) => r.code).join(",") }, "not ready");
        return c.json({ ok: false as const, checks, error: { code: "not_ready" as const, message: `服务未就绪：${failed.map(([, r]) => r.message).join("；")}` } }, 503);
      },
    )
    .get(
      "/metrics",
      describe({
        tag: "运维",
        auth: "public",
        summary: "监控指标（Prometheus）",
        description:
          "Prometheus 文本格式的监控指标：请求数与耗时（按路由）、事件订阅各结果的事件数、待发消息数与最久等待时间、搁置消息数、未办结与已超期任务数、定时任务耗时。须设置 METRICS_TOKEN，并带 Authorization: Bearer <METRICS_TOKEN>；未设置时本接口不存在（404）。",
        responses: {
          200: { description: "Prometheus 文本格式（text/plain; version=0.0.4）" },
          401: { description: "缺少或错误的 METRICS_TOKEN" },
          404: { description: "未设置 METRICS_TOKEN，或本运行环境不提供指标（Workers）" },
        },
      }),
      async (c) => {
        const deps = c.get("deps");
        const { metrics } = observability(deps);
        if (!opts.metricsToken) return c.json(errorBody("not_found", "监控指标未启用：设置环境变量 METRICS_TOKEN 后，以 Authorization: Bearer <METRICS_TOKEN> 访问 /metrics。"), 404);
        const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
        if (!given || !sameSecret(given, opts.metricsToken)) {
          c.header("www-authenticate", 'Bearer realm="metrics"');
          return c.json(errorBody("unauthorized", "监控令牌缺失或不正确：请带请求头 Authorization: Bearer <METRICS_TOKEN>，例如 curl -H \"Authorization: Bearer $METRICS_TOKEN\" https://xietong.example.gov.cn/metrics"), 401);
        }
        const rendered = await metrics.render(() => readOpsFigures(deps.db.kysely, deps.now()));
        if (!rendered) return c.json(errorBody("not_found", "本运行环境不提供 Prometheus 指标（仅 Node 服务器提供）。"), 404);
        return c.body(rendered.body, 200, { "content-type": rendered.contentType });
      },
    );
}
