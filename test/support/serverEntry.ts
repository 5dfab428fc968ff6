import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createBotRuntime } from "../../bot/runtime";
import { loadConfig } from "../../src/config";
import { createDb } from "../../src/db/client";
import { createApp } from "../../src/http/app";

// The server as src/main.node.ts runs it (app + bot, webhook mode, the real SDK), started as a child process by
// test/support/childServer.ts so that a test can kill it. The database is migrated by the test beforehand
// (TEST_SCHEMA: the PostgreSQL schema to work in). Prints "READY <base url>" once it listens.
const config = loadConfig();
const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: process.env.TEST_SCHEMA || undefined });
const deps = { db, config, now: () => new Date() };
const bot = createBotRuntime(deps);
const app = createApp(deps, { routes: bot.routes, signIn: bot.signIn });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, async (info: AddressInfo) => {
  const base = `http://127.0.0.1:${info.port}`;
  await bot.start(base);
  console.log(`READY ${base}`);
});
process.on("SIGTERM", () => {
  server.close();
  void bot
    .stop()
    .then(() => db.close())
    .finally(() => process.exit(0));
});
