import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { serve } from "@hono/node-server";
import * as lark from "@larksuiteoapi/node-sdk";
import { sql } from "kysely";
import { createLarkSender } from "../../bot/lark/sender";
import { createSandbox, type SendRecord } from "../../bot/sandbox";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { enqueueMessages, type OutgoingMessage } from "../../src/db/repositories/outbox";
import { createDeliveryLoop } from "../../src/jobs/deliveryLoop";

/**
 * How fast a backlog drains, in real time, through everything a message goes through: delivery workers (each with
 * its own database handle on PostgreSQL, as separate server processes have), bot/lark/sender.ts and the real Lark
 * SDK, to the sandbox platform over HTTP with the platform's quotas ON (5 sends/s per chat: 230020 beyond; 50/s for
 * the app: 429 beyond). Two backlogs: spread over many chats, and one hot chat (a busy department's work group)
 * with a long queue in front of everyone else's. Figures: sends/s overall; the hot chat's own rate while it had
 * messages waiting; the other chats' rate up to their last send; the busiest second of any chat and of the app, as
 * the platform counted them; the refusals the quotas caused. PGlite, and PostgreSQL (BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, in a scratch schema).
 * Run: `npm run bench:delivery`; writes test/bench/RESULTS-delivery.md. Not part of `npm test`.
 */
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1500);
const CHATS = Number(process.env.BENCH_CHATS ?? 60);
const HOT = Number(process.env.BENCH_HOT ?? 150);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const APP_ID = "cli_bench_delivery";
/** the delivery's default lanes: the app's 47/s over a chat's 4.9/s, rounded up */
const LANES = 10;
const APP_SECRET = "bench-secret";

interface Scenario {
  name: string;
  messages: OutgoingMessage[];
  hot: string | null;
}

const text = (chatId: string, i: number): OutgoingMessage => ({ topic: "bot.reply", to: { type: "chat_id", id: chatId }, payload: { reply: { text: `${chatId} 第 ${i} 条` } } });

function scenarios(): Scenario[] {
  const chats = Array.from({ length: CHATS }, (_, i) => `oc_bench_${i}`);
  const spread = Array.from({ length: MESSAGES }, (_, i) => text(chats[i % CHATS]!, Math.floor(i / CHATS) + 1));
  const hot = "oc_bench_hot";
  const rest = MESSAGES - HOT;
  return [
    { name: `spread: ${MESSAGES} messages over ${CHATS} chats`, messages: spread, hot: null },
    {
      name: `one hot chat: ${HOT} of ${MESSAGES} messages to one chat, queued first, the rest over ${CHATS} chats`,
      messages: [...Array.from({ length: HOT }, (_, i) => text(hot, i + 1)), ...Array.from({ length: rest }, (_, i) => text(chats[i % CHATS]!, Math.floor(i / CHATS) + 1))],
      hot,
    },
  ];
}

function busiest(times: number[]): number {
  let best = 0;
  let j = 0;
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function run(label: string, dbs: Db[], scenario: Scenario) {
  const sandbox = createSandbox({ appId: APP_ID, appSecret: APP_SECRET, verificationToken: "v", rateLimits: { perChat: 5, perApp: 50 } });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const chatId of new Set(scenario.messages.map((m) => m.to.id))) sandbox.addChat({ chatId, name: chatId, type: "group", members: [] });
  const config = loadConfig({ LOG_LEVEL: "warn" });
  const main: Deps = { db: dbs[0]!, config, now: () => new Date() };
  for (let i = 0; i < scenario.messages.length; i += 500) await enqueueMessages(main.db.kysely, scenario.messages.slice(i, i + 500), main.now());
  const loops = Array.from({ length: WORKERS }, (_, w) => {
    const deps: Deps = { ...main, db: dbs[w % dbs.length]! };
    const client = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: base, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error });
    return createDeliveryLoop(deps, createLarkSender(deps, client, { clear: () => undefined }), { intervalMs: 200 });
  });
  const t0 = Date.now();
  const started = performance.now();
  for (const l of loops) l.start();
  for (const l of loops) void l.kick();
  const total = scenario.messages.length;
  for (;;) {
    const left = await main.db.kysely.selectFrom("outbox").select((eb) => eb.fn.countAll<string>().as("n")).where("deliveredAt", "is", null).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) break;
    if (performance.now() - started > 600_000) throw new Error(`${label}: ${left.n} of ${total} messages still waiting after 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const l of loops) await l.stop();
  const log = sandbox.sendLog().filter((r) => r.at >= t0);
  server.close();
  sandbox.close();
  await main.db.kysely.deleteFrom("outbox").execute();
  await main.db.kysely.deleteFrom("sendQuotas").execute();

  const ok = log.filter((r) => r.status === 200);
  const seconds = (Math.max(...ok.map((r) => r.at)) - t0) / 1000;
  const byChat = new Map<string, SendRecord[]>();
  for (const r of log) (byChat.get(r.chatId ?? "") ?? byChat.set(r.chatId ?? "", []).get(r.chatId ?? "")!).push(r);
  const rate = (records: SendRecord[]) => {
    const good = records.filter((r) => r.status === 200);
    return good.length / ((Math.max(...good.map((r) => r.at)) - t0) / 1000);
  };
  // The steady part: until fewer chats had messages waiting than the delivery lanes (10). After that the last chats
  // drain at their own 5/s each and the app cannot be at its quota, however the sending is done.
  const finished = [...byChat.values()].map((rs) => Math.max(...rs.filter((r) => r.status === 200).map((r) => r.at))).sort((a, b) => b - a);
  const steadyUntil = finished[Math.min(LANES, finished.length) - 1]!;
  const steady = ok.filter((r) => r.at <= steadyUntil).length / ((steadyUntil - t0) / 1000);
  const hotRecords = scenario.hot ? (byChat.get(scenario.hot) ?? []) : [];
  const others = log.filter((r) => r.chatId !== scenario.hot);
  const row = {
    database: label,
    backlog: scenario.name,
    delivered: ok.length,
    seconds,
    perSecond: ok.length / seconds,
    steady,
    others: scenario.hot ? rate(others) : null,
    hot: scenario.hot ? rate(hotRecords) : null,
    busiestChat: Math.max(...[...byChat.values()].map((rs) => busiest(rs.filter((r) => r.status === 200).map((r) => r.at)))),
    busiestApp: busiest(ok.map((r) => r.at)),
    refusedChat: log.filter((r) => r.status === 400).length,
    refusedApp: log.filter((r) => r.status === 429).length,
  };
  console.log(JSON.stringify(row));
  return row;
}

async function main() {
  const rows: Array<Awaited<ReturnType<typeof run>>> = [];
  const pglite = await createDb({ dataDir: "memory://" });
  await migrateToLatest(pglite);
  for (const s of scenarios()) rows.push(await run("PGlite (one process)", [pglite], s));
  await pglite.close();

  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = await createDb({ databaseUrl: url, poolSize: 1 });
  const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(admin.kysely)).rows[0]!.v.split(" ")[0];
  await admin.kysely.schema.createSchema(schema).execute();
  const dbs = await Promise.all(Array.from({ length: WORKERS }, () => createDb({ databaseUrl: url, schema, poolSize: 5 })));
  try {
    await migrateToLatest(dbs[0]!);
    for (const s of scenarios()) rows.push(await run(`PostgreSQL ${version} (${WORKERS} workers, each its own pool)`, dbs, s));
  } finally {
    for (const d of dbs) await d.close();
    await admin.kysely.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  }

  const cpus = os.cpus();
  const f = (n: number | null, d = 1) => (n === null ? "—" : n.toFixed(d));
  const report = [
    "# Outbox delivery: draining a backlog at the platform's quotas",
    "",
    `${new Date().toISOString()} · Node ${process.version} · ${os.type()} ${os.arch()} · ${cpus.length} × ${cpus[0]?.model ?? "cpu"} · load average ${os.loadavg()[0]!.toFixed(1)} at the end`,
    "",
    "A backlog queued at once, drained in real time by the delivery loops of `npm start` (src/jobs/deliveryLoop.ts) through bot/lark/sender.ts and the real Lark SDK to the sandbox platform over HTTP, " +
      "with the platform's quotas enforced by the sandbox: 5 sends/s per chat over any sliding second (230020 beyond), 50/s for the app (429). " +
      `${WORKERS} delivery loops share the quotas through the send_quotas table (on PostgreSQL each has its own pool, as two server processes would). ` +
      "Goal (issue #12): >= 45 sends/s with a backlog, spread and with one hot chat; the hot chat at its own 5/s without holding the others back; never > 5/s to a chat. " +
      "\"sends/s\" is every send over the whole drain; \"steady sends/s\" the same up to the moment fewer chats had messages waiting than the 10 delivery lanes (after that the last chats drain at their own 5/s each, and no sending could keep the app at its quota). " +
      "\"hot chat/s\" is its sends over the time up to its last one; \"others/s\" the same for every other chat; \"busiest chat s\" / \"busiest app s\" the most sends the platform accepted in any one second; " +
      "\"refused\" the sends the platform's quotas turned away (each waited for and sent again, never lost). Produced by `npm run bench:delivery` (test/bench/delivery.ts).",
    "",
    "| database | backlog | delivered | seconds | sends/s | steady sends/s | others/s | hot chat/s | busiest chat s | busiest app s | refused 230020 / 429 |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.database} | ${r.backlog} | ${r.delivered} | ${f(r.seconds)} | ${f(r.perSecond)} | ${f(r.steady)} | ${f(r.others)} | ${f(r.hot, 2)} | ${r.busiestChat} | ${r.busiestApp} | ${r.refusedChat} / ${r.refusedApp} |`),
    "",
  ];
  // the reading written by hand below the table is kept
  const file = new URL("./RESULTS-delivery.md", import.meta.url);
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const reading = before.indexOf("## Reading");
  writeFileSync(file, report.join("\n") + (reading >= 0 ? `\n${before.slice(reading)}` : ""));
  console.log("wrote test/bench/RESULTS-delivery.md");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
