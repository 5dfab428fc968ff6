import { Hono } from "hono";
import type { Deps } from "../commands/context";
import type { AppEnv, SignInExchanger } from "./env";
import { actionRoutes } from "./routes/api/actions";
import { requestRoutes } from "./routes/api/requests";
import { viewRoutes } from "./routes/api/views";
import { authRoutes } from "./routes/auth";
import { errorBody, handleError } from "./errors";
import { adminRoutes, outboxRoutes } from "./routes/admin/admin";

/**
 * The whole HTTP surface, runtime-neutral (Node and Workers). `deps` are built by the entry point and handed
 * to every request through the context, so nothing lives in module globals.
 */
export function createApp(deps: Deps, extra?: { routes: Hono<AppEnv>; signIn?: SignInExchanger }) {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody("not_found", `没有这个接口：${c.req.method} ${c.req.path}`), 404));

  app.get("/healthz", async (c) => {
    const started = Date.now();
    await deps.db.kysely.selectFrom("departments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    return c.json({ ok: true, database: deps.db.kind, latencyMs: Date.now() - started });
  });
  app.route("/api/admin/outbox", outboxRoutes);
  app.route("/api/admin", adminRoutes);
  app.route("/api/auth", authRoutes(extra?.signIn));
  app.route("/api", requestRoutes);
  app.route("/api", actionRoutes);
  app.route("/api", viewRoutes);
  // The chat side (webhook, and the sandbox platform offline) is mounted by the entry point.
  if (extra) app.route("/", extra.routes);
  return app;
}
