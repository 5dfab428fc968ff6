import { existsSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const MINIAPP_DIST = fileURLToPath(new URL("../../../dist/miniapp", import.meta.url));

/** Node only: the built mini-app at /app/, and what its sign-in needs to know. */
export function miniappRoutes(info: { appId: string; sandbox: boolean }) {
  const root = relative(process.cwd(), MINIAPP_DIST) || ".";
  return new Hono<AppEnv>()
    .get("/app/config", (c) => c.json(info))
    .get("/app", (c) => c.redirect("/app/"))
    .use("/app/*", async (c, next) => {
      if (!existsSync(MINIAPP_DIST)) return c.text("小程序尚未构建：请先运行 npm run build（npm start 会自动构建）。", 503);
      return next();
    })
    .use("/app/*", serveStatic({ root, rewriteRequestPath: (p) => p.replace(/^\/app/, "") }))
    .get("/app/*", serveStatic({ root, path: "index.html" }));
}
