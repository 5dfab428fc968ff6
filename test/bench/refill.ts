import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { leaseDueRecipients, releaseLease, type RecipientKey } from "../../src/db/repositories/sendQuotas";

/**
 * npm run bench:refill — what one refill of the outbox delivery costs (leaseDueRecipients, then giving the leases
 * back) with a backlog of N waiting messages over R recipients, on PGlite and PostgreSQL (BENCH_DATABASE_URL,
 * default the local test server; BENCH_PG=0 skips it). A refill runs each time a delivery lane frees up, up to
 * about 50 times a second when recipients have one message each: its cost must not grow with the backlog left
 * by a platform outage. Writes the measured section of test/bench/RESULTS-refill.md; the reading around it is kept.
 */
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const SHAPES: Array<[number, number]> = [
  [1_500, 60],
  [30_000, 30],
  [30_000, 20_000],
  [100_000, 20_000],
];
const REFILLS = 100;
const RESULTS = new URL("./RESULTS-refill.md", import.meta.url);

async function open(kind: "pglite" | "postgres"): Promise<Db> {
  if (kind === "pglite") return createDb({ dataDir: "memory://" });
  const admin = await createDb({ databaseUrl: PG_URL, poolSize: 1 });
  await sql`drop schema if exists bench_refill cascade`.execute(admin.kysely);
  await sql`create schema bench_refill`.execute(admin.kysely);
  await admin.close();
  return createDb({ databaseUrl: PG_URL, schema: "bench_refill" });
}

async function measure(kind: "pglite" | "postgres", messages: number, recipients: number) {
  const db = await open(kind);
  try {
    await migrateToLatest(db);
    await sql`insert into outbox (topic, recipient_type, recipient_id, payload, uuid, next_attempt_at, created_at)
      select 'task.announced', 'chat_id', 'oc_' || lpad((g % ${recipients})::text, 6, '0'), '{}'::jsonb, gen_random_uuid()::text,
        now() - interval '1 minute', now()
      from generate_series(1, ${messages}) g`.execute(db.kysely);
    await sql`analyze outbox`.execute(db.kysely);
    const now = new Date(Date.now() + 60_000);
    let after: RecipientKey | null = null;
    // as the delivery pass refills: two free lanes of ten, the cursor carried from one refill to the next
    const refill = async () => {
      const got = await leaseDueRecipients(db, { owner: "bench", dueAt: now, now, horizonMs: 1000, leaseMs: 20_000, limit: 2, maxLeased: 10, after });
      after = got.after;
      for (const l of got.leases) await releaseLease(db.kysely, l.scope, "bench", new Date(0));
      return got.leases.length;
    };
    for (let i = 0; i < 10; i++) await refill();
    const ms: number[] = [];
    let leased = 0;
    for (let i = 0; i < REFILLS; i++) {
      const t = performance.now();
      leased += await refill();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return { kind, messages, recipients, mean: ms.reduce((a, b) => a + b, 0) / ms.length, p95: ms[Math.floor(0.95 * ms.length)]!, leased: leased / REFILLS };
  } finally {
    if (kind === "postgres") await sql`drop schema if exists bench_refill cascade`.execute(db.kysely).catch(() => undefined);
    await db.close();
  }
}

const rows: string[] = [];
for (const kind of ["pglite", ...(process.env.BENCH_PG === "0" ? [] : ["postgres"])] as Array<"pglite" | "postgres">) {
  for (const [messages, recipients] of SHAPES) {
    const r = await measure(kind, messages, recipients);
    console.log(`${kind} ${messages}/${recipients}: ${r.mean.toFixed(2)} ms mean, ${r.p95.toFixed(2)} ms p95`);
    rows.push(`| ${kind === "pglite" ? "PGlite" : "PostgreSQL"} | ${messages.toLocaleString("en")} | ${recipients.toLocaleString("en")} | ${r.mean.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.leased.toFixed(2)} |`);
  }
}
const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
const block = [
  "<!-- measured:start -->",
  `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, load average ${load} at the end; ${REFILLS} refills per row (two of ten lanes free, the cursor carried on).`,
  "",
  "| database | messages waiting | recipients | refill + give back, mean ms | p95 ms | leased per refill |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows,
  "<!-- measured:end -->",
].join("\n");
let doc: string;
try {
  doc = readFileSync(RESULTS, "utf8");
} catch {
  doc = "# Outbox refill bench (npm run bench:refill)\n\n<!-- measured:start -->\n<!-- measured:end -->\n";
}
writeFileSync(RESULTS, doc.replace(/<!-- measured:start -->[\s\S]*<!-- measured:end -->/, () => block));
console.log(block);
process.exit(0);
