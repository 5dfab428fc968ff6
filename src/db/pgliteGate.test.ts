import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { ConnectionGate, MAX_URGENT_IN_A_ROW } from "./pgliteGate";

describe("PGlite's connection gate", () => {
  /** the gate's turns of the event loop, run by hand */
  const byHand = () => {
    const turns: Array<() => void> = [];
    const gate = new ConnectionGate((fn) => turns.push(fn));
    const turn = () => turns.splice(0).forEach((fn) => fn());
    return { gate, turns, turn };
  };

  it("lets a waiting answer go before queued background holders, but never more than a few in a row", async () => {
    const { gate, turn } = byHand();
    const order: string[] = [];
    await gate.acquire(true); // an answer is running
    const waits = [
      ...["b1", "b2", "b3"].map((n) => gate.acquire(false).then(() => order.push(n))),
      ...["u1", "u2", "u3", "u4", "u5", "u6"].map((n) => gate.acquire(true).then(() => order.push(n))),
    ];
    expect(gate.waiting).toEqual({ urgent: 6, background: 3 });
    for (let i = 0; i < 10; i++) {
      gate.release();
      turn();
      await Promise.resolve();
    }
    await Promise.all(waits);
    expect(MAX_URGENT_IN_A_ROW).toBe(4);
    expect(order).toEqual(["u1", "u2", "u3", "b1", "u4", "u5", "u6", "b2", "b3"]);
    expect(gate.waiting).toEqual({ urgent: 0, background: 0 });
  });

  it("starts a background holder only after a turn of the event loop, and an answer that came in that turn goes first", async () => {
    const { gate, turns, turn } = byHand();
    const order: string[] = [];
    // on a free gate too: a loop of background work gives sockets and timers a turn before each holder
    const b1 = gate.acquire(false).then(() => order.push("b1"));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(turns).toHaveLength(1);
    turn();
    await b1;
    const b2 = gate.acquire(false).then(() => order.push("b2"));
    gate.release(); // b1 done: b2 waits for the turn
    await Promise.resolve();
    expect(order).toEqual(["b1"]);
    const u1 = gate.acquire(true).then(() => order.push("u1")); // an event read in that turn
    turn();
    await u1;
    expect(order).toEqual(["b1", "u1"]);
    gate.release();
    turn();
    await b2;
    expect(order).toEqual(["b1", "u1", "b2"]);
  });

  it("is free again once the last holder leaves; an answer on a free gate goes at once", async () => {
    const { gate, turns } = byHand();
    await gate.acquire(true);
    gate.release();
    expect(turns).toHaveLength(0);
    let got = false;
    await gate.acquire(true).then(() => (got = true));
    expect(got).toBe(true);
    gate.release();
    expect(gate.waiting).toEqual({ urgent: 0, background: 0 });
  });
});

describe("PGlite: an event's ack does not wait for queued background transactions", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createDb({ dataDir: "memory://" });
    await sql`create table gate_log (n serial primary key, who text not null)`.execute(db.kysely);
  });
  afterAll(() => db.close());

  it("answers after the transaction running now, before the six queued behind it, and those still all commit", async () => {
    const done: string[] = [];
    let running!: () => void;
    let finish!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const held = new Promise<void>((r) => (finish = r));
    const transaction = (i: number) =>
      db
        .transaction(async (trx) => {
          await sql`insert into gate_log (who) values (${`后台${i}`})`.execute(trx);
          if (i === 0) {
            running();
            await held; // the connection stays with this transaction until the others and the ack are queued
          }
          await sql`insert into gate_log (who) values (${`后台${i}`})`.execute(trx);
        })
        .then(() => done.push(`后台${i}`));
    const first = transaction(0);
    await started;
    const background = [first, ...Array.from({ length: 6 }, (_, i) => transaction(i + 1))];
    const ack = sql`insert into gate_log (who) values ('应答')`.execute(db.answering!.kysely).then(() => done.push("应答"));
    finish();
    await Promise.all([...background, ack]);
    expect(done.slice(0, 2)).toEqual(["后台0", "应答"]);
    expect(done.filter((d) => d.startsWith("后台"))).toHaveLength(7);
    // each transaction's two rows stayed together: the ack never ran inside one
    const rows = await db.kysely.selectFrom("gate_log" as never).select(["who" as never]).orderBy("n" as never).execute();
    const whos = (rows as Array<{ who: string }>).map((r) => r.who);
    for (let i = 0; i < 7; i++) expect(whos.indexOf(`后台${i}`) + 1).toBe(whos.lastIndexOf(`后台${i}`));
  });

  it("a loop of background transactions, back to back, lets a timer fire between them", async () => {
    let committed = 0;
    let committedWhenTimerFired = -1;
    const timer = new Promise<void>((r) =>
      setTimeout(() => {
        committedWhenTimerFired = committed;
        r();
      }, 0),
    );
    // PGlite answers without real I/O: without the gate's turn this whole loop ran inside one microtask drain
    for (let i = 0; i < 50; i++) {
      await db.transaction(async (trx) => {
        await sql`insert into gate_log (who) values (${`循环${i}`})`.execute(trx);
      });
      committed++;
    }
    await timer;
    expect(committedWhenTimerFired).toBeGreaterThanOrEqual(0);
    expect(committedWhenTimerFired).toBeLessThan(5);
  });

  it("on PostgreSQL the answering handle is the database itself", async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return expect(db.kind).toBe("pglite");
    const pg = await createDb({ databaseUrl: url, poolSize: 1 });
    try {
      expect(pg.answering ?? pg).toBe(pg);
    } finally {
      await pg.close();
    }
  });
});

describe("PGlite: advisory locks of one transaction are answered without a round through PGlite", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createDb({ dataDir: "memory://" });
  });
  afterAll(() => db.close());

  const advisoryHeld = (trx: Parameters<Parameters<Db["transaction"]>[0]>[0]) =>
    sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory'`.execute(trx).then((r) => r.rows[0]!.n);

  it("the audit's, the checkpoint's and a chain's lock answer one row as PostgreSQL does, and PGlite holds none of them", async () => {
    await db.transaction(async (trx) => {
      const shared = await sql`select pg_advisory_xact_lock_shared(7424, 2106)`.execute(trx);
      const chain = await sql`select pg_advisory_xact_lock(hashtext(${"request:1"}))`.execute(trx);
      const whole = await sql`SELECT pg_advisory_xact_lock(7424, 2106);`.execute(trx);
      // (as read through the CamelCasePlugin)
      expect([shared.rows, chain.rows, whole.rows]).toEqual([[{ pgAdvisoryXactLockShared: "" }], [{ pgAdvisoryXactLock: "" }], [{ pgAdvisoryXactLock: "" }]]);
      // the only session there is: a lock it took could keep no one out, so none is taken
      expect(await advisoryHeld(trx)).toBe(0);
    });
  });

  it("any other statement naming such a lock still goes to PGlite", async () => {
    await db.transaction(async (trx) => {
      // the batch append's form: one lock per chain, from a list
      await sql`select pg_advisory_xact_lock(hashtext(u.c)) from unnest(${["request:1", "request:2"]}::text[]) as u(c)`.execute(trx);
      expect(await advisoryHeld(trx)).toBe(2);
      const tried = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(99) as got`.execute(trx);
      expect(tried.rows).toEqual([{ got: true }]);
      expect(await advisoryHeld(trx)).toBe(3);
    });
  });
});
