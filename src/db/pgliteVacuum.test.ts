import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { migrateToLatest } from "./migrator";
import { tablesDue, vacuumDueTables } from "./pgliteVacuum";

/** 100,000 messages for 4 recipients, 20,000 of them delivered since: as a backlog being delivered leaves the outbox */
async function busyOutbox(db: Db) {
  await sql`insert into outbox (topic, recipient_type, recipient_id, payload, uuid, next_attempt_at, created_at)
    select 'reply', case when g % 2 = 0 then 'open_id' else 'chat_id' end, 'r' || (g % 4), '{"text":"办结"}'::jsonb, 'u' || g, now(), now()
    from generate_series(1, 100000) g`.execute(db.kysely);
  await sql`update outbox set delivered_at = now() where id <= 20000`.execute(db.kysely);
  await flushStats(db);
}

/** PostgreSQL reports a transaction's row counts to its statistics at most once a second: now, for the test */
async function flushStats(db: Db) {
  await sql`select pg_stat_force_next_flush()`.execute(db.kysely);
  await sql`select 1`.execute(db.kysely);
}

const queuePlan = async (db: Db) =>
  (
    await sql<{ "QUERY PLAN": string }>`explain select * from outbox where recipient_type = 'open_id' and recipient_id = 'r0'
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
    expect(await tablesDue(db.kysely)).toContainEqual({ table: "outbox", vacuum: true });

    const done = await vacuumDueTables(db.kysely);
    expect(done).toContainEqual({ table: "outbox", vacuum: true });
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
    expect(await tablesDue(db.kysely)).toContainEqual({ table: "outbox", vacuum: true });
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
        expect(await tablesDue(db.kysely)).toContainEqual({ table: "outbox", vacuum: true });
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
