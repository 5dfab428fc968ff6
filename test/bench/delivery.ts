import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import { nextDeliveryAt } from "../../src/db/repositories/sendQuotas";
import { deliverOutbox, type MessageSender } from "../../src/jobs/outboxDelivery";

/**
 * How fast a backlog drains: BENCH_MESSAGES (default 2,000) messages to BENCH_CHATS (default 100) chats, delivered
 * by BENCH_WORKERS (default 2) workers to a platform that answers at once, in real time: the drain rate is what the
 * quotas allow (the app's 45/s) unless the machinery (leases, quota rows, outcomes) is slower. Also the busiest
 * second of any one chat. On PGlite, and on PostgreSQL when BENCH_DATABASE_URL is set.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

async function bench(db: Db, label: string) {
  const deps: Deps = { db, config: loadConfig({}), now: () => new Date() };
  const perChat = new Map<string, number[]>();
  const sender: MessageSender = {
    async send(m) {
      (perChat.get(m.recipientId) ?? perChat.set(m.recipientId, []).get(m.recipientId)!).push(Date.now());
      return { ok: true, platformMessageId: `om_${m.id}` };
    },
  };
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({ topic: "bot.reply", to: { type: "chat_id" as const, id: `oc_${i % CHATS}` }, payload: { i } }));
  for (let i = 0; i < messages.length; i += 500) await enqueueMessages(db.kysely, messages.slice(i, i + 500), deps.now());
  const t0 = performance.now();
  let delivered = 0;
  for (;;) {
    const results = await Promise.all(Array.from({ length: WORKERS }, () => deliverOutbox(deps, sender)));
    delivered += results.reduce((n, r) => n + r.delivered, 0);
    const next = await nextDeliveryAt(db.kysely);
    if (!next) break;
    const wait = next.getTime() - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const seconds = (performance.now() - t0) / 1000;
  const busiest = Math.max(...[...perChat.values()].flatMap((ts) => ts.map((t) => ts.filter((u) => u > t - 1000 && u <= t).length)));
  console.log(`${label}: ${delivered} messages to ${CHATS} chats by ${WORKERS} workers in ${seconds.toFixed(1)} s (${(delivered / seconds).toFixed(1)}/s); busiest chat second: ${busiest}`);
}

async function main() {
  const pglite = await createDb({ dataDir: "memory://" });
  await migrateToLatest(pglite);
  await bench(pglite, "PGlite");
  await pglite.close();
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString("hex")}`;
    const pg = await createDb({ databaseUrl: url, schema, poolSize: 10 });
    await sql`create schema ${sql.id(schema)}`.execute(pg.kysely);
    try {
      await migrateToLatest(pg);
      await bench(pg, "PostgreSQL");
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(pg.kysely);
      await pg.close();
    }
  }
}

void main();
