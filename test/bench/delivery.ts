import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { enqueueMessages, type OutgoingMessage } from "../../src/db/repositories/outbox";
import { nextDeliveryAt } from "../../src/db/repositories/sendQuotas";
import { deliverOutbox, type MessageSender } from "../../src/jobs/outboxDelivery";

/**
 * How fast a backlog drains, in real time, to a platform that answers at once (after BENCH_LATENCY_MS, default 20):
 * - spread: BENCH_MESSAGES (default 2,000) messages over BENCH_CHATS (default 100) chats;
 * - one hot chat: BENCH_HOT (default 200) messages to one department chat queued first, then BENCH_MESSAGES - BENCH_HOT
 *   over the other chats. The others must drain at the app's quota while the hot chat goes at its own 5/s.
 * Delivered by BENCH_WORKERS (default 2) workers, each as a separate database handle (as two server processes are).
 * Reports sends/s, the hot chat's own rate, and the busiest second of any one chat (must be <= 5) and of the app.
 * On PGlite (workers share the one embedded database), and on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/test, in a scratch schema). Writes test/bench/RESULTS-delivery.md.
 * Not part of `npm test`: run `npm run bench:delivery`.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const HOT = Number(process.env.BENCH_HOT ?? 200);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface Figures {
  scenario: string;
  delivered: number;
  seconds: number;
  /** sends/s over the whole drain */
  rate: number;
  /** sends/s of everything but the hot chat, until its last message */
  othersRate: number | null;
  /** the hot chat's own sends/s, from its first to its last send */
  hotRate: number | null;
  busiestChatSecond: number;
  busiestAppSecond: number;
}

/** The most sends within any one second (t - 1000, t], as the platform counts them. */
function busiest(times: number[]): number {
  const ts = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < ts.length; i++) {
    while (ts[j]! <= ts[i]! - 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function drainBacklog(handles: Db[], scenario: "spread" | "hot"): Promise<Figures> {
  const db = handles[0]!;
  const config = loadConfig({});
  const log: Array<{ chat: string; at: number }> = [];
  const sender: MessageSender = {
    async send(m) {
      log.push({ chat: m.recipientId, at: performance.now() });
      await new Promise((r) => setTimeout(r, LATENCY_MS));
      return { ok: true, platformMessageId: `om_${m.id}` };
    },
  };
  const text = (chat: string, i: number): OutgoingMessage => ({ topic: "bot.reply", to: { type: "chat_id", id: chat }, payload: { i } });
  const hot = scenario === "hot" ? HOT : 0;
  const messages = [
    ...Array.from({ length: hot }, (_, i) => text("oc_hot", i)),
    ...Array.from({ length: MESSAGES - hot }, (_, i) => text(`oc_${scenario}_${i % CHATS}`, i)),
  ];
  for (let i = 0; i < messages.length; i += 500) await enqueueMessages(db.kysely, messages.slice(i, i + 500), new Date());
  const t0 = performance.now();
  let delivered = 0;
  for (;;) {
    const results = await Promise.all(
      handles.map((h, w) => deliverOutbox({ db: h, config, now: () => new Date() } satisfies Deps, sender, { workerId: `bench-${scenario}-${w}` })),
    );
    delivered += results.reduce((n, r) => n + r.delivered, 0);
    const next = await nextDeliveryAt(db.kysely);
    if (!next) break;
    const wait = next.getTime() - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const seconds = (performance.now() - t0) / 1000;
  const byChat = new Map<string, number[]>();
  for (const r of log) (byChat.get(r.chat) ?? byChat.set(r.chat, []).get(r.chat)!).push(r.at);
  const hotTimes = byChat.get("oc_hot") ?? [];
  const others = log.filter((r) => r.chat !== "oc_hot");
  const othersEnd = Math.max(...others.map((r) => r.at));
  const span = (ts: number[]) => (Math.max(...ts) - Math.min(...ts)) / 1000;
  return {
    scenario: scenario === "hot" ? `one hot chat (${hot} of ${MESSAGES} messages, queued first) + ${CHATS} chats` : `spread over ${CHATS} chats`,
    delivered,
    seconds,
    rate: delivered / seconds,
    othersRate: scenario === "hot" ? others.length / ((othersEnd - t0) / 1000) : null,
    hotRate: hotTimes.length > 1 ? (hotTimes.length - 1) / span(hotTimes) : null,
    busiestChatSecond: Math.max(...[...byChat.values()].map(busiest)),
    busiestAppSecond: busiest(log.map((r) => r.at)),
  };
}

async function benchOn(handles: Db[], label: string): Promise<string[]> {
  const out: string[] = [];
  for (const scenario of ["spread", "hot"] as const) {
    const f = await drainBacklog(handles, scenario);
    const line =
      `| ${label} | ${f.scenario} | ${f.delivered} | ${f.seconds.toFixed(1)} | ${f.rate.toFixed(1)} | ` +
      `${f.othersRate === null ? "—" : f.othersRate.toFixed(1)} | ${f.hotRate === null ? "—" : f.hotRate.toFixed(2)} | ${f.busiestChatSecond} | ${f.busiestAppSecond} |`;
    console.log(line);
    out.push(line);
  }
  return out;
}

async function main() {
  const started = new Date();
  const rows: string[] = [];
  const pglite = await createDb({ dataDir: "memory://" });
  try {
    await migrateToLatest(pglite);
    rows.push(...(await benchOn(Array.from({ length: WORKERS }, () => pglite), "PGlite")));
  } finally {
    await pglite.close();
  }
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = await createDb({ databaseUrl: url, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.kysely);
  const handles = await Promise.all(Array.from({ length: WORKERS }, () => createDb({ databaseUrl: url, schema, poolSize: 10 })));
  try {
    await migrateToLatest(handles[0]!);
    const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(admin.kysely)).rows[0]!.v.split(" ")[0];
    rows.push(...(await benchOn(handles, `PostgreSQL ${version}`)));
  } finally {
    await Promise.all(handles.map((h) => h.close()));
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.kysely);
    await admin.close();
  }
  const cpus = os.cpus();
  const report = [
    "# Outbox delivery: draining a backlog at the platform's quotas",
    "",
    `${started.toISOString()} · Node ${process.version} · ${os.type()} ${os.release()} ${os.arch()} · ${cpus.length} × ${cpus[0]?.model ?? "cpu"}`,
    "",
    `${MESSAGES} messages queued at once, drained in real time by ${WORKERS} delivery workers (each its own database handle, as ` +
      `separate server processes are) sharing the quotas through \`send_quotas\`; the platform stand-in answers after ${LATENCY_MS} ms. ` +
      "Goal (issue #12): >= 45 sends/s with a backlog, spread and with one hot chat; the hot chat at its own 5/s; never > 5 sends to one chat " +
      "in any second. \"others/s\" is everything but the hot chat, up to its last send; \"busiest chat s\" / \"busiest app s\" the most sends " +
      "within any one second (t - 1 s, t] to one chat / to the whole app. Produced by `npm run bench:delivery` (test/bench/delivery.ts).",
    "",
    "| database | backlog | delivered | seconds | sends/s | others/s | hot chat/s | busiest chat s | busiest app s |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ];
  writeFileSync(new URL("./RESULTS-delivery.md", import.meta.url), report.join("\n"));
  console.log("wrote test/bench/RESULTS-delivery.md");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
