import { existsSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { compress } from "hono/compress";
import type { AppEnv } from "../env";

/** dist/miniapp, from the source (src/http/routes/) or from the server bundle (dist/server/main.node.mjs) */
export const MINIAPP_DIST = fileURLToPath(
  new URL(/\/dist\/[^/]+\/[^/]+\.mjs$/.test(import.meta.url) ? "../miniapp" : "../../../dist/miniapp", import.meta.url),
);

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
    // Phones on government networks: compressed, and the hashed bundles cached for good; the page itself is
    // always revalidated so a new build is picked up at once.
    .use("/app/*", compress())
    .use("/app/*", async (c, next) => {
      await next();
      if (c.res.status !== 200) return;
      c.header("cache-control", c.req.path.startsWith("/app/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    })
    .use("/app/*", serveStatic({ root, rewriteRequestPath: (p) => p.replace(/^\/app/, "") }))
    // A bundle of another build is gone, not the page: answering it with index.html would be cached as a script.
    .get("/app/assets/*", (c) => c.text("没有这个文件：小程序已更新，请刷新页面。", 404))
    .get("/app/*", serveStatic({ root, path: "index.html" }));
}
