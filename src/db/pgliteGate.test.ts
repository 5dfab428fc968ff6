import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { ConnectionGate, MAX_URGENT_IN_A_ROW } from "./pgliteGate";

describe("PGlite's connection gate", () => {
  it("lets a waiting answer go before queued background holders, but never more than a few in a row", async () => {
    const gate = new ConnectionGate();
    const order: string[] = [];
    await gate.acquire(false); // a background transaction is running
    const waits = [
      ...["b1", "b2", "b3"].map((n) => gate.acquire(false).then(() => order.push(n))),
      ...["u1", "u2", "u3", "u4", "u5", "u6"].map((n) => gate.acquire(true).then(() => order.push(n))),
    ];
    expect(gate.waiting).toEqual({ urgent: 6, background: 3 });
    for (let i = 0; i < 10; i++) {
      gate.release();
      await Promise.resolve();
    }
    await Promise.all(waits);
    expect(MAX_URGENT_IN_A_ROW).toBe(4);
    expect(order).toEqual(["u1", "u2", "u3", "u4", "b1", "u5", "u6", "b2", "b3"]);
    expect(gate.waiting).toEqual({ urgent: 0, background: 0 });
  });

  it("is free again once the last holder leaves", async () => {
    const gate = new ConnectionGate();
    await gate.acquire(true);
    gate.release();
    let got = false;
    await gate.acquire(false).then(() => (got = true));
    expect(got).toBe(true);
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
