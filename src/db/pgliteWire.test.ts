import * as pgliteModule from "@electric-sql/pglite";
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { createWireExecutor, wireText } from "./pgliteWire";

// A statement on PGlite in one call (./pgliteWire.ts) must read and write exactly what PGlite's own query() does.

describe("PGlite in one call per statement", () => {
  let pg: PGlite;
  let wire: ReturnType<typeof createWireExecutor>;
  beforeAll(async () => {
    pg = new PGlite();
    await pg.waitReady;
    wire = createWireExecutor(pg, pgliteModule);
    await pg.exec(`create table kinds (
      id serial primary key, t text, i int, big bigint, n numeric, b boolean, at timestamptz, day date,
      doc jsonb, tags text[], nums int[], raw bytea)`);
  });
  afterAll(() => pg.close());

  const run = <R>(text: string, parameters: unknown[]) => wire<R>(CompiledQuery.raw(text, parameters));
  const insert = "insert into kinds (t, i, big, n, b, at, day, doc, tags, nums, raw) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *";
  const row = (tags: string[]) => [
    "协同 'quoted' \\ back",
    42,
    9007199254740993n,
    "12.50",
    false,
    new Date("2026-12-07T03:04:05.678Z"),
    "2026-12-07",
    JSON.stringify({ 事项: "XT-2026-000001", n: [1, null] }),
    tags,
    [1, null, 3],
    new Uint8Array([0, 1, 254, 255]),
  ];

  it("writes and reads every kind of value the product passes as PGlite's query() does", async () => {
    const values = row(["市监局", 'a "b"', "c,d", "{e}", "NULL", "", "\\"]);
    const byWire = (await run<Record<string, unknown>>(insert, values)).rows[0]!;
    const byQuery = (await pg.query<Record<string, unknown>>(insert, values)).rows[0]!;
    expect({ ...byWire, id: 0 }).toEqual({ ...byQuery, id: 0 });
    expect(byWire.tags).toEqual(["市监局", 'a "b"', "c,d", "{e}", "NULL", "", "\\"]);
    expect(byWire.at).toEqual(new Date("2026-12-07T03:04:05.678Z"));
    expect(byWire.nums).toEqual([1, null, 3]);
    // and what each wrote reads back the same through the other
    const back = await run<{ id: number }>("select * from kinds where id = $1", [byQuery.id]);
    expect(back.rows[0]).toEqual(byQuery);
  });

  it("any text array round-trips (arbitrary strings: quotes, backslashes, braces, commas, NULL, unicode)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.constantFrom("NULL", "null", "{", "}", ",", '"', "\\", " 空格 ")), { maxLength: 6 }), async (tags) => {
        const clean = tags.map((t) => t.replace(/\u0000/g, "")); // PostgreSQL text holds no NUL
        const got = await run<{ tags: string[] }>("select $1::text[] as tags", [clean]);
        expect(got.rows[0]!.tags).toEqual(clean);
      }),
      { numRuns: 200 },
    );
  });

  it("counts the rows an update or delete changed, as Kysely's numUpdatedRows reads them", async () => {
    await run(insert, row(["一"]));
    const all = Number((await pg.query<{ n: number }>("select count(*)::int as n from kinds")).rows[0]!.n);
    const updated = await run("update kinds set b = $1", [true]);
    expect(updated.numAffectedRows).toBe(BigInt(all));
    const none = await run("update kinds set b = $1 where id < $2", [true, 0]);
    expect(none.numAffectedRows).toBeUndefined();
    expect(none.rows).toEqual([]);
  });

  it("a statement that fails throws PostgreSQL's error with its code, and the next statement runs", async () => {
    await pg.exec("create table uniq (k text primary key)");
    await run("insert into uniq (k) values ($1)", ["甲"]);
    await expect(run("insert into uniq (k) values ($1)", ["甲"])).rejects.toMatchObject({ code: "23505" });
    await expect(run("select * from no_such_table", [])).rejects.toMatchObject({ code: "42P01" });
    expect((await run<{ k: string }>("select k from uniq", [])).rows).toEqual([{ k: "甲" }]);
  });

  it("inside a transaction a failure aborts it until ROLLBACK, as PostgreSQL does; then all is as before", async () => {
    await run("begin", []);
    await run("insert into uniq (k) values ($1)", ["乙"]);
    await expect(run("insert into uniq (k) values ($1)", ["甲"])).rejects.toMatchObject({ code: "23505" });
    await expect(run("select 1", [])).rejects.toMatchObject({ code: "25P02" });
    await run("rollback", []);
    expect((await run<{ k: string }>("select k from uniq order by k", [])).rows).toEqual([{ k: "甲" }]);
  });

  it("values as text: what PostgreSQL reads without being told the type", () => {
    expect([null, undefined, "x", 1.5, 10n, true, false].map(wireText)).toEqual([null, null, "x", "1.5", "10", "true", "false"]);
    expect(wireText(new Date("2026-12-07T00:00:00+08:00"))).toBe("2026-12-06T16:00:00.000Z");
    expect(wireText(["a", null, ["b"], { k: 1 }])).toBe('{"a",NULL,{"b"},"{\\"k\\":1}"}');
    expect(wireText({ a: [1] })).toBe('{"a":[1]}');
    expect(wireText(Buffer.from([1, 171]))).toBe("\\x01ab");
  });
});

describe("the product's PGlite handle uses it", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createDb({ dataDir: "memory://", autovacuumMs: 0 });
  });
  afterAll(() => db.close());

  it("statements, transactions and Kysely's results work through it", async () => {
    await sql`create table notes (id serial primary key, body text not null, at timestamptz not null)`.execute(db.kysely);
    const at = new Date("2026-12-07T03:00:00Z");
    await db.transaction(async (trx) => {
      await sql`insert into notes (body, at) values (${"一"}, ${at}), (${"二"}, ${at})`.execute(trx);
    });
    await expect(
      db.transaction(async (trx) => {
        await sql`insert into notes (body, at) values (${"三"}, ${at})`.execute(trx);
        throw new Error("回滚");
      }),
    ).rejects.toThrow("回滚");
    const rows = await db.kysely.selectFrom("notes" as never).select(["body" as never, "at" as never]).orderBy("id" as never).execute();
    expect(rows).toEqual([
      { body: "一", at },
      { body: "二", at },
    ]);
    const changed = await db.kysely
      .updateTable("notes" as never)
      .set({ body: "改" } as never)
      .executeTakeFirst();
    expect(changed.numUpdatedRows).toBe(2n);
  });

  it("a value is read as on PostgreSQL: a JS array is an array literal, so passed for JSON it is refused on both", async () => {
    // PGlite's query() would have serialized the array as JSON for a json parameter; node-postgres never does
    await expect(sql`select ${["甲"]}::jsonb as doc`.execute(db.kysely)).rejects.toMatchObject({ code: "22P02" });
    const ok = await sql<{ doc: unknown }>`select ${JSON.stringify(["甲"])}::jsonb as doc`.execute(db.kysely);
    expect(ok.rows).toEqual([{ doc: ["甲"] }]);
  });
});
