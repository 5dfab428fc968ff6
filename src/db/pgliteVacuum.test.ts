import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { migrateToLatest } from "./migrator";
import { ANALYZE_SAMPLE_BYTES, DEFAULT_STATISTICS_TARGET, MIN_STATISTICS_TARGET, statisticsTarget, tablesDue, vacuumDueTables } from "./pgliteVacuum";

/** 100,000 messages for 4 recipients, 20,000 of them delivered since: as a backlog being delivered leaves the outbox */
async function busyOutbox(db: Db) {
  await sql`insert into outbox (topic, recipient_type, recipient_id, payload, uuid, next_attempt_at, created_at)
    select 'reply', case when g % 2 = 0 then 'open_id' else 'chat_id' end, 'r' || (g % 4), '{"text":"办结"}'::jsonb, 'u' || g, now(), now()
    from generate_series(1, 100000) g`.execute(db.kysely);
  await sql`update outbox set delivered_at = now() where id <= 20000`.execute(db.kysely);
  await flushStats(db);
}

/** `rows` messages of about 1.3 kB (cards) for 40 chats, as a busy outbox holds: wide rows, ANALYZE's costliest */
async function wideOutbox(db: Db, rows: number) {
  await sql`insert into outbox (topic, recipient_type, recipient_id, payload, uuid, next_attempt_at, created_at)
    select 'card', 'chat_id', 'oc_' || (g % 40), jsonb_build_object('card', (select string_agg(md5(g::text || i::text), '') from generate_series(1, 38) i)),
      'u' || g, now(), now()
    from generate_series(1, ${rows}) g`.execute(db.kysely);
}

/** ANALYZE keeps (target + 1) bounds of a column's histogram: the ids', every one distinct */
const idBounds = async (db: Db, table: string) =>
  (await sql<{ n: number }>`select array_length(histogram_bounds::text::text[], 1) as n from pg_stats
    where tablename = ${table} and attname = 'id'`.execute(db.kysely)).rows[0]!.n;

/** PostgreSQL reports a transaction's row counts to its statistics at most once a second: now, for the test */
async function flushStats(db: Db) {
  await sql`select pg_stat_force_next_flush()`.execute(db.kysely);
  await sql`select 1`.execute(db.kysely);
}

const queuePlan = async (db: Db, recipientType = "open_id", recipientId = "r0") =>
  (
    await sql<{ "QUERY PLAN": string }>`explain select * from outbox where recipient_type = ${recipientType} and recipient_id = ${recipientId}
      and delivered_at is null and parked_at is null order by id limit 50`.execute(db.kysely)
  ).rows
    .map((r) => r["QUERY PLAN"])
    .join("\n");

const stats = async (db: Db, table: string) =>
  (
    await sql<{ deadRows: number; lastVacuum: Date | null; lastAnalyze: Date | null }>`
      select n_dead_tup::int as "deadRows", last_vacuum as "lastVacuum", last_analyze as "lastAnalyze"
      from pg_stat_user_tables where relname = ${table}`.execute(db.kysely)
  ).rows[0]!;

describe("PGlite's own autovacuum", () => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("vacuums and analyses a table past PostgreSQL's thresholds; the planner then reads a recipient's queue through its own index", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    await migrateToLatest(db);
    await busyOutbox(db);
    // single-user PostgreSQL vacuums nothing by itself
    expect((await stats(db, "outbox")).lastVacuum).toBeNull();
    expect((await stats(db, "outbox")).deadRows).toBe(20000);
    expect(await tablesDue(db.kysely)).toContainEqual(expect.objectContaining({ table: "outbox", vacuum: true }));

    const done = await vacuumDueTables(db.kysely);
    expect(done).toContainEqual(expect.objectContaining({ table: "outbox", vacuum: true }));
    const after = await stats(db, "outbox");
    expect(after.deadRows).toBe(0);
    expect(after.lastVacuum).not.toBeNull();
    expect(after.lastAnalyze).not.toBeNull();
    // never analysed, the planner took the due-time index and sorted the whole backlog (before: "Sort", outbox_due_idx)
    expect(await queuePlan(db)).toContain("outbox_recipient_queue_idx");
    expect(await queuePlan(db)).not.toContain("Sort");
    // nothing left to do until the table changes again, by PostgreSQL's measure
    expect((await tablesDue(db.kysely)).map((t) => t.table)).not.toContain("outbox");
    await sql`update outbox set delivered_at = now() where id between 20001 and 20040`.execute(db.kysely);
    await flushStats(db);
    expect((await tablesDue(db.kysely)).map((t) => t.table)).not.toContain("outbox");
    // 20,200 dead rows of 100,000: past 50 + 20 %
    await sql`update outbox set delivered_at = now() where id between 20041 and 40200`.execute(db.kysely);
    await flushStats(db);
    expect(await tablesDue(db.kysely)).toContainEqual(expect.objectContaining({ table: "outbox", vacuum: true }));
  });

  it("runs by itself on a PGlite database, and closing waits for it", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 100 });
    await migrateToLatest(db);
    await busyOutbox(db);
    let vacuumed = false;
    for (let i = 0; i < 100 && !vacuumed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      vacuumed = (await stats(db, "outbox")).lastVacuum !== null;
    }
    expect(vacuumed).toBe(true);
    expect(await queuePlan(db)).toContain("outbox_recipient_queue_idx");
  });

  it("analyses the inbox and the outbox without their payloads (never searched by value, the costliest to sample)", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    await migrateToLatest(db);
    await busyOutbox(db);
    await sql`insert into inbound_events (event_id, event_type, payload, answer, next_attempt_at)
      select 'e' || g, 'im.message.receive_v1', jsonb_build_object('n', g), '{"toast":{}}'::jsonb, now() from generate_series(1, 2000) g`.execute(db.kysely);
    await flushStats(db);
    expect((await vacuumDueTables(db.kysely)).map((t) => t.table)).toEqual(expect.arrayContaining(["inbound_events", "outbox"]));
    const analysed = async (table: string) =>
      (await sql<{ attname: string }>`select attname from pg_stats where tablename = ${table} order by attname`.execute(db!.kysely)).rows.map((r) => r.attname);
    expect(await analysed("inbound_events")).toEqual(expect.arrayContaining(["event_id", "event_type", "next_attempt_at"]));
    expect(await analysed("inbound_events")).not.toContain("payload");
    expect(await analysed("inbound_events")).not.toContain("answer");
    expect(await analysed("outbox")).toEqual(expect.arrayContaining(["recipient_id", "recipient_type", "delivered_at"]));
    expect(await analysed("outbox")).not.toContain("payload");
  });

  it("analyses a table of wide rows with a sample that fits its memory; narrow tables keep PostgreSQL's default", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    await migrateToLatest(db);
    // 30,000 cards: a sample of all of them would be ~40 MB
    await wideOutbox(db, 30000);
    await sql`insert into departments (code, name) select 'D' || g, '部门' || g from generate_series(1, 500) g`.execute(db.kysely);
    await sql`update outbox set delivered_at = now() where id <= 10000`.execute(db.kysely);
    await flushStats(db);

    const due = await tablesDue(db.kysely);
    const outbox = due.find((t) => t.table === "outbox")!;
    expect(outbox.target).toBeGreaterThanOrEqual(MIN_STATISTICS_TARGET);
    expect(outbox.target).toBeLessThan(40);
    expect(due.find((t) => t.table === "departments")?.target).toBe(DEFAULT_STATISTICS_TARGET);
    await vacuumDueTables(db.kysely);

    expect(await idBounds(db, "outbox")).toBe(outbox.target + 1);
    expect(await idBounds(db, "departments")).toBe(DEFAULT_STATISTICS_TARGET + 1);
    // the setting was the statement's own: the session is back at PostgreSQL's default
    expect((await sql<{ v: string }>`select current_setting('default_statistics_target') as v`.execute(db.kysely)).rows[0]!.v).toBe("100");
    // and the planner still reads a recipient's queue through its own index
    expect(await queuePlan(db, "chat_id", "oc_1")).toContain("outbox_recipient_queue_idx");
    expect(await queuePlan(db, "chat_id", "oc_1")).not.toContain("Sort");
  });

  it("after a crash lost the row counts of a table never analysed, counts its rows with the smallest sample, then analyses it with the target that fits", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    await migrateToLatest(db);
    await wideOutbox(db, 20000);
    await flushStats(db);
    await sql`select pg_stat_reset()`.execute(db.kysely);
    const outbox = (await tablesDue(db.kysely)).find((t) => t.table === "outbox")!;
    expect(outbox).toMatchObject({ unsized: true, target: MIN_STATISTICS_TARGET });
    await vacuumDueTables(db.kysely);
    const { rows } = await sql<{ tuples: number; bytes: number }>`select c.reltuples::float8 as tuples, pg_relation_size(c.oid)::float8 as bytes
      from pg_class c where c.relname = 'outbox'`.execute(db.kysely);
    const fits = statisticsTarget(rows[0]!.bytes / rows[0]!.tuples);
    expect(fits).toBeGreaterThan(MIN_STATISTICS_TARGET);
    expect(await idBounds(db, "outbox")).toBe(fits + 1);
  });

  it("picks the largest statistics target whose sample fits, between 10 and PostgreSQL's 100", () => {
    expect(statisticsTarget(100)).toBe(DEFAULT_STATISTICS_TARGET);
    expect(statisticsTarget(650)).toBe(Math.floor(ANALYZE_SAMPLE_BYTES / (300 * 650)));
    expect(300 * statisticsTarget(650) * 650).toBeLessThanOrEqual(ANALYZE_SAMPLE_BYTES);
    expect(statisticsTarget(20_000)).toBe(MIN_STATISTICS_TARGET);
    // a table never counted: PostgreSQL's default
    expect(statisticsTarget(0)).toBe(DEFAULT_STATISTICS_TARGET);
    expect(statisticsTarget(Number.NaN)).toBe(DEFAULT_STATISTICS_TARGET);
  });

  it("never takes PostgreSQL's parallel path in VACUUM (PGlite has no workers, and that path kept its memory)", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    expect((await sql<{ v: string }>`select current_setting('max_parallel_maintenance_workers') as v`.execute(db.kysely)).rows[0]!.v).toBe("0");
  });

  it("stops a round between two tables when told to; the tables left are still due", async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
    await migrateToLatest(db);
    await busyOutbox(db);
    await sql`insert into inbound_events (event_id, event_type, payload, next_attempt_at)
      select 'e' || g, 'im.message.receive_v1', '{}'::jsonb, now() from generate_series(1, 2000) g`.execute(db.kysely);
    await flushStats(db);
    const due = (await tablesDue(db.kysely)).map((t) => t.table);
    expect(due).toEqual(expect.arrayContaining(["inbound_events", "outbox"]));
    let asked = 0;
    const done = await vacuumDueTables(db.kysely, () => asked++ < 1);
    expect(done.map((t) => t.table)).toEqual([due[0]]);
    expect((await tablesDue(db.kysely)).map((t) => t.table)).toEqual(due.slice(1));
  });

  describe("waits for a moment when no ack is waiting", () => {
    /** answers (acks) asking for the connection every 20 ms until stopped */
    const answering = (db: Db) => {
      let on = true;
      const done = (async () => {
        while (on) {
          await sql`select 1`.execute(db.answering!.kysely);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      return async () => {
        on = false;
        await done;
      };
    };
    const vacuumedWithin = async (db: Db, ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if ((await stats(db, "outbox")).lastVacuum !== null) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };

    it("not while acks keep coming; as soon as they pause", async () => {
      db = await createDb({ dataDir: "memory://", autovacuumMs: 50, autovacuumQuiet: { quietMs: 1000, maxWaitMs: 60_000 } });
      const stop = answering(db);
      try {
        await migrateToLatest(db);
        await busyOutbox(db);
        // due all along, looked at every 50 ms, and not run: an ack was never more than 20 ms away
        expect(await vacuumedWithin(db, 2500)).toBe(false);
        expect(await tablesDue(db.kysely)).toContainEqual(expect.objectContaining({ table: "outbox", vacuum: true }));
      } finally {
        await stop();
      }
      expect(await vacuumedWithin(db, 15_000)).toBe(true);
      expect((await stats(db, "outbox")).deadRows).toBe(0);
    });

    it("and, when they never pause, runs once the longest wait has passed", async () => {
      const started = Date.now();
      db = await createDb({ dataDir: "memory://", autovacuumMs: 50, autovacuumQuiet: { quietMs: 60_000, maxWaitMs: 3000 } });
      const stop = answering(db);
      try {
        await migrateToLatest(db);
        await busyOutbox(db);
        expect(await vacuumedWithin(db, 20_000)).toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      } finally {
        await stop();
      }
    });
  });
});
