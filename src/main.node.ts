import { serve } from "@hono/node-server";
import { createBotRuntime } from "../bot/runtime";
import { bootstrap } from "./bootstrap";
import { createApp } from "./http/app";
import { miniappRoutes } from "./http/routes/miniappStatic";
import { jobs } from "./jobs";
import { createScheduler } from "./jobs/scheduler";

// Node entry point: `npm start`. Without LARK_APP_ID the bot talks to the built-in sandbox platform.
async function main() {
  const deps = await bootstrap();
  const bot = createBotRuntime(deps);
  bot.routes.route("/", miniappRoutes({ appId: bot.config.appId, sandbox: bot.sandbox !== null }));
  const app = createApp(deps, { routes: bot.routes, signIn: bot.signIn });
  const scheduler = createScheduler(deps, jobs);
  const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: process.env.HOST ?? "0.0.0.0" }, async (info) => {
    const base = `http://127.0.0.1:${info.port}`;
    await bot.start(base);
    scheduler.start();
    console.log(`xietong 已启动：${base}  （数据库：${deps.db.kind === "pglite" ? `内置 PGlite，目录 ${deps.config.dataDir}` : "PostgreSQL"}）`);
    console.log(`健康检查：${base}/healthz　小程序：${base}/app/　接口文档：${base}/api/docs`);
    if (bot.sandbox) {
      console.log(`未配置 LARK_APP_ID，已启用沙箱平台：在浏览器打开 ${base}/sandbox ，选择演示用户与机器人对话。`);
    } else {
      console.log(`已连接飞书应用 ${bot.config.appId}（${bot.config.mode === "ws" ? "长连接模式" : `事件订阅地址：<公网地址>/lark/events`}）`);
    }
  });
  const stop = () => {
    server.close();
    scheduler
      .stop()
      .then(() => bot.stop())
      .then(() => deps.db.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: Error) => {
  console.error(err.name === "DataDirLockedError" || err.message.startsWith("配置有误") ? `启动失败：${err.message}` : err);
  process.exit(1);
});
