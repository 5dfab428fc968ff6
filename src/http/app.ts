import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Deps } from "../commands/context";
import type { AppEnv, SignInExchanger } from "./env";
import { actionRoutes } from "./routes/api/actions";
import { attachmentRoutes } from "./routes/api/attachments";
import { rectificationRoutes } from "./routes/api/rectifications";
import { requestRoutes } from "./routes/api/requests";
import { viewRoutes } from "./routes/api/views";
import { dashboardRoutes } from "./routes/api/dashboard";
import { supervisionRoutes } from "./routes/api/supervision";
import { orgWorkRoutes } from "./routes/api/orgWork";
import { authRoutes } from "./routes/auth";
import { errorBody, handleError } from "./errors";
import { openApiDocument, renderDocsPage, type OpenApiDocument } from "./openapi";
import { trustedProxy } from "./middleware/trusted-proxy";
import { cleanUrl } from "./middleware/clean-url";
import { requestLog } from "./middleware/request-log";
import { opsRoutes } from "./routes/ops";
import { HealthSchema, OpenApiSchema } from "./schemas";
import { describe } from "./validation";
import { adminRoutes } from "./routes/admin/admin";
import { auditRoutes } from "./routes/admin/audit";
import { outboxRoutes } from "./routes/admin/outbox";
import { policyRoutes } from "./routes/admin/policies";
import { ruleRoutes } from "./routes/admin/rules";
import { calendarRoutes } from "./routes/admin/calendar";
import { orgRoutes } from "./routes/admin/org";
import { tokenRoutes } from "./routes/admin/tokens";

/**
 * The whole HTTP surface, runtime-neutral (Node and Workers). `deps` are built by the entry point and handed
 * to every request through the context, so nothing lives in module globals.
 */
export function createApp(deps: Deps, extra?: { routes: Hono<AppEnv>; signIn?: SignInExchanger; platformToken?: () => Promise<void> }) {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  // An X-Request-Id from the proxy in front is kept (up to 255 safe characters); otherwise one is made. Echoed in the answer.
  app.use("*", requestId(), requestLog({ quiet: ["/healthz", "/readyz", "/metrics"] }));
  app.use("*", trustedProxy({ trust: deps.config.trustProxy, publicUrl: deps.config.publicUrl }));
  app.onError(handleError);
  app.use("/api/*", cleanUrl({ example: "/api/requests/XT-2026-000001" }));
  app.notFound((c) => c.json(errorBody("not_found", `没有这个接口：${c.req.method} ${c.req.path}`), 404));

  app.get("/healthz", describe({
      tag: "运维",
      auth: "public",
      summary: "健康检查",
      description: "服务与数据库是否正常，以及数据库类型（pglite 或 postgres）。",
      responses: { 200: { description: "正常", schema: HealthSchema } },
    }), async (c) => {
    const started = Date.now();
    await deps.db.kysely.selectFrom("departments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    return c.json({ ok: true, database: deps.db.kind, latencyMs: Date.now() - started });
  });
  app.route("/", opsRoutes({ platformToken: extra?.platformToken, metricsToken: deps.config.metricsToken }));
  app.route("/api/admin/outbox", outboxRoutes);
  app.route("/api/admin/tokens", tokenRoutes);
  app.route("/api/admin/audit", auditRoutes);
  app.route("/api/admin/escalation-policies", policyRoutes);
  app.route("/api/admin/rules", ruleRoutes);
  app.route("/api/admin/calendar", calendarRoutes);
  app.route("/api/admin/org", orgRoutes);
  app.route("/api/admin", adminRoutes);
  app.route("/api/auth", authRoutes(extra?.signIn));
  app.route("/api", requestRoutes);
  app.route("/api", actionRoutes);
  app.route("/api", rectificationRoutes);
  app.route("/api", viewRoutes);
  app.route("/api", dashboardRoutes);
  app.route("/api", supervisionRoutes);
  app.route("/api", attachmentRoutes);
  app.route("/api", orgWorkRoutes);
  // The chat side (webhook, and the sandbox platform offline) is mounted by the entry point.
  if (extra) app.route("/", extra.routes);

  // The API's own documentation, built once from the routes above on first request.
  let doc: OpenApiDocument | undefined;
  const documentation = () => (doc ??= openApiDocument(app));
  app.get("/api/openapi.json", describe({
      tag: "运维",
      auth: "public",
      summary: "本文档（OpenAPI 3.1）",
      description: "机器可读的接口文档，可导入 Postman、生成客户端。",
      responses: { 200: { description: "OpenAPI 3.1 文档", schema: OpenApiSchema } },
    }), (c) =>
    c.json(documentation()),
  );
  app.get("/api/docs", describe({ tag: "运维", auth: "public", summary: "本文档（网页）", description: "给人读的接口文档。", responses: { 200: { description: "HTML 页面" } } }), (c) =>
    c.html(renderDocsPage(documentation())),
  );
  return app;
}
