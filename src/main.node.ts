import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { loadLarkConfig } from "../bot/lark/config";
import { createBotRuntime } from "../bot/runtime";
import { bootstrap, withAuditKey } from "./bootstrap";
import type { Deps } from "./commands/context";
import { listenHost, loadConfig } from "./config";
import { createApp } from "./http/app";
import { miniappRoutes } from "./http/routes/miniappStatic";
import { jobs } from "./jobs";
import { createScheduler } from "./jobs/scheduler";
import { createPinoLogger } from "./observability/pino";
import { createPrometheusMetrics } from "./observability/prometheus";
import { installGracefulShutdown } from "./shutdown";

// Node entry point: `npm start`. Without LARK_APP_ID the bot talks to the built-in sandbox platform.
async function main() {
  const config = loadConfig();
  // Decided before the database is opened: a sandbox that may not run must not touch it either.
  const hostname = listenHost(config, loadLarkConfig() === null);
  const log = createPinoLogger(config.logLevel);
  // without AUDIT_HMAC_KEY the audit checkpoints are signed with a key generated once in DATA_DIR
  const deps: Deps = { ...(await bootstrap(withAuditKey(config))), obs: { log, metrics: createPrometheusMetrics() } };
  const bot = createBotRuntime(deps);
  deps.directory = bot.directory; // org sync (the nightly job and the admin console) reads the platform's contact directory
  bot.routes.route("/", miniappRoutes({ appId: bot.config.appId, sandbox: bot.sandbox !== null }));
  const app = createApp(deps, { routes: bot.routes, signIn: bot.signIn, platformToken: () => bot.platformToken() });
  const scheduler = createScheduler(deps, jobs);
  const server = serve({ fetch: app.fetch, port: deps.config.port, hostname }, async (info) => {
    const base = `http://${selfAddress(info)}:${info.port}`;
    await bot.start(base);
    scheduler.start();
    console.log(`xietong 已启动：${base}  （数据库：${deps.db.kind === "pglite" ? `内置 PGlite，目录 ${deps.config.dataDir}` : "PostgreSQL"}）`);
    console.log(`监听地址：${info.address}:${info.port}${deps.config.publicUrl ? `　公开地址：${deps.config.publicUrl}` : ""}`);
    console.log(`健康检查：${base}/healthz　小程序：${base}/app/　接口文档：${base}/api/docs`);
    if (bot.sandbox) {
      console.warn(sandboxBanner(info.address, deps.db.kind === "postgres"));
      console.log(`在浏览器打开 ${base}/sandbox ，选择演示用户与机器人对话。`);
    } else {
      const events = `${deps.config.publicUrl ?? "<公网地址>"}/lark/events`;
      console.log(`已连接飞书应用 ${bot.config.appId}（${bot.config.mode === "ws" ? "长连接模式" : `事件订阅地址：${events}`}）`);
    }
  });
  installGracefulShutdown({
    server: server as import("node:http").Server,
    stopWork: async () => {
      await Promise.all([scheduler.stop(), bot.stop()]);
    },
    closeDatabase: () => deps.db.close(),
    timeoutMs: config.shutdownTimeoutMs,
    log,
  });
}

/** Where this process reaches itself (the sandbox platform and its event URL live on the same server). */
function selfAddress(info: AddressInfo): string {
  if (info.address === "0.0.0.0" || info.address === "::") return "127.0.0.1";
  return info.family === "IPv6" ? `[${info.address}]` : info.address;
}

/** Said loudly, so that nobody runs the sandbox in production without noticing. */
function sandboxBanner(address: string, realDatabase: boolean): string {
  const lines = [
    "！！！ 沙箱模式（未设置 LARK_APP_ID）！！！",
    "本服务运行着离线沙箱平台：任何能打开本服务页面的人，都可以冒充任何人（包括管理员）登录和操作。",
    "仅供离线体验和测试，切勿用于正式环境；正式部署请设置 LARK_APP_ID 与 LARK_APP_SECRET。",
    /^(127\.|::1$|localhost$)/.test(address) ? `只监听本机（${address}），其他机器无法访问。` : `注意：已按 SANDBOX=1 监听 ${address}，其他机器也能访问沙箱！`,
    ...(realDatabase ? ["注意：已按 SANDBOX=1 在 DATABASE_URL 指定的数据库上运行沙箱，并会向空库载入演示数据！"] : []),
  ];
  const bar = "=".repeat(72);
  return [bar, ...lines.map((l) => `  ${l}`), bar].join("\n");
}

main().catch((err: Error) => {
  console.error(err.name === "DataDirLockedError" || err.message.startsWith("配置有误") ? `启动失败：${err.message}` : err);
  process.exit(1);
});
