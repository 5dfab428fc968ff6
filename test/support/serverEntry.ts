import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createBotRuntime } from "../../bot/runtime";
import { loadConfig } from "../../src/config";
import { createDb } from "../../src/db/client";
import { createApp } from "../../src/http/app";
import { createPinoLogger } from "../../src/observability/pino";
import { createPrometheusMetrics } from "../../src/observability/prometheus";
import { installGracefulShutdown } from "../../src/shutdown";

// The server as src/main.node.ts runs it (app + bot, webhook mode, the real SDK), started as a child process by
// test/support/childServer.ts so that a test can kill it. The database is migrated by the test beforehand
// (TEST_SCHEMA: the PostgreSQL schema to work in). Prints "READY <base url>" once it listens. SIGTERM drains
// as the real server does (src/shutdown.ts).
const config = loadConfig();
const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: process.env.TEST_SCHEMA || undefined });
const log = createPinoLogger(config.logLevel);
const deps = { db, config, now: () => new Date(), obs: { log, metrics: createPrometheusMetrics() } };
const bot = createBotRuntime(deps);
const app = createApp(deps, { routes: bot.routes, signIn: bot.signIn, platformToken: () => bot.platformToken() });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, async (info: AddressInfo) => {
  const base = `http://127.0.0.1:${info.port}`;
  await bot.start(base);
  console.log(`READY ${base}`);
});
installGracefulShutdown({ server: server as import("node:http").Server, stopWork: () => bot.stop(), closeDatabase: () => db.close(), timeoutMs: config.shutdownTimeoutMs, log });
