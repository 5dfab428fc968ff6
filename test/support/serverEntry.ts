import { serve } from "@hono/node-server";
import { writeFileSync } from "node:fs";
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
const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: process.env.TEST_SCHEMA || undefined, onQuery: queryStats(), preparedStatements: config.preparedStatements ? undefined : 0 });
const log = createPinoLogger(config.logLevel);
const deps = { db, config, now: () => new Date(), obs: { log, metrics: createPrometheusMetrics() } };
const bot = createBotRuntime(deps);
const app = createApp(deps, { routes: bot.routes, signIn: bot.signIn, platformToken: () => bot.platformToken() });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, async (info: AddressInfo) => {
  const base = `http://127.0.0.1:${info.port}`;
  await bot.start(base);
  console.log(`READY ${base}`);
});
/**
 * QUERY_STATS=<folder> (benches): every statement's count and total time, by its text, written to
 * <folder>/queries-<pid>.txt when the process exits, the costliest first.
 */
function queryStats() {
  const folder = process.env.QUERY_STATS;
  if (!folder) return undefined;
  const byText = new Map<string, { n: number; ms: number }>();
  process.on("exit", () => {
    const rows = [...byText].sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((t, [, v]) => t + v.ms, 0);
    const lines = rows.map(([text, v]) => `${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(8)} × ${(v.ms / v.n).toFixed(2).padStart(6)} ms  ${text.slice(0, 220)}`);
    writeFileSync(`${folder}/queries-${process.pid}.txt`, [`${total.toFixed(0)} ms in all`, ...lines].join("\n") + "\n");
  });
  return (text: string, _parameters: readonly unknown[], ms: number) => {
    const key = text.replace(/\s+/g, " ").trim();
    const entry = byText.get(key) ?? { n: 0, ms: 0 };
    entry.n++;
    entry.ms += ms;
    byText.set(key, entry);
  };
}

installGracefulShutdown({ server: server as import("node:http").Server, stopWork: () => bot.stop(), closeDatabase: () => db.close(), timeoutMs: config.shutdownTimeoutMs, log });
