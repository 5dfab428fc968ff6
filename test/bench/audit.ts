import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { GENESIS_HASH, hashRecord } from "../../src/db/repositories/audit";
import { takeCheckpoint } from "../../src/db/repositories/auditCheckpoints";
import { verifyAudit } from "../../src/db/repositories/auditVerification";
import { createDb } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";

/**
 * How long the audit checkpoint and `npm run audit:verify` take on a large trail: BENCH_CHAINS chains (default
 * 100,000, one per request) of BENCH_RECORDS records each (default 6), on PostgreSQL in a scratch schema
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test). Prints the figures.
 * `npx tsx test/bench/audit.ts`
 */
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const CHAINS = Number(process.env.BENCH_CHAINS ?? 100_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 6);
const KEY = "bench-".repeat(8);

const schema = `bench_audit_${randomBytes(4).toString("hex")}`;
const admin = await createDb({ databaseUrl: url, poolSize: 1 });
await sql`create schema ${sql.id(schema)}`.execute(admin.kysely);
const db = await createDb({ databaseUrl: url, schema, poolSize: 2 });
try {
  await migrateToLatest(db);
  const t0 = performance.now();
  const at = new Date("2026-11-23T02:00:00Z");
  let batch: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (batch.length) await db.kysely.insertInto("auditEvents").values(batch as never).execute();
    batch = [];
  };
  for (let c = 1; c <= CHAINS; c++) {
    let prev = GENESIS_HASH;
    for (let s = 1; s <= RECORDS; s++) {
      const r = { chain: `request:${c}`, seq: s, requestId: null, taskId: null, actorId: null, actorName: "某人", action: "accept", fromState: "pending_accept", toState: "in_progress", data: { reason: "经核查" }, createdAt: at, prevHash: prev };
      const hash = hashRecord(r);
      batch.push({ ...r, data: JSON.stringify(r.data), hash });
      prev = hash;
    }
    if (batch.length >= 3000) await flush(); // 14 parameters a row, under 65,535
  }
  await flush();
  await sql`analyze audit_events`.execute(db.kysely);
  console.log(`seeded ${CHAINS} chains × ${RECORDS} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const time = async <T>(what: string, fn: () => Promise<T>) => {
    const s = performance.now();
    const r = await fn();
    console.log(`${what}: ${(performance.now() - s).toFixed(0)} ms`);
    return r;
  };
  await time("first checkpoint (every chain moved)", () => db.transaction((trx) => takeCheckpoint(trx, KEY, new Date())));
  await time("checkpoint with nothing new", () => db.transaction((trx) => takeCheckpoint(trx, KEY, new Date())));
  // An hour's work: a new record on 1 % of the chains.
  const hour = await db.kysely.selectFrom("auditEvents").select(["chain", "hash"]).where("seq", "=", RECORDS).where("chain", "<", "request:2").execute();
  const moved = hour.slice(0, Math.max(1, Math.floor(CHAINS / 100)));
  await db.kysely
    .insertInto("auditEvents")
    .values(
      moved.map((m) => {
        const r = { chain: m.chain, seq: RECORDS + 1, requestId: null, taskId: null, actorId: null, actorName: "某人", action: "complete", fromState: "in_progress", toState: "completed", data: {}, createdAt: at, prevHash: m.hash };
        return { ...r, data: "{}", hash: hashRecord(r) };
      }),
    )
    .execute();
  await time(`hourly checkpoint (${moved.length} chains moved)`, () => db.transaction((trx) => takeCheckpoint(trx, KEY, new Date())));
  const report = await time("verify every chain and checkpoint", () => verifyAudit(db.kysely, KEY));
  console.log(`verified: ok=${report.ok}, ${report.chains} chains, ${report.records} records, ${report.checkpoints} checkpoints`);
} finally {
  await db.close();
  await admin.kysely.schema.dropSchema(schema).ifExists().cascade().execute();
  await admin.close();
}
