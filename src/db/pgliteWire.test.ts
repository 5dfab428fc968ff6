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

describe("statements kept prepared", () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = new PGlite();
    await pg.waitReady;
  });
  afterAll(() => pg.close());

  /** the named statements PostgreSQL holds for this session, by their text */
  const prepared = async () => (await pg.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by name")).rows;

  it("a statement run again is bound to the statement prepared the first time, not parsed again", async () => {
    const wire = createWireExecutor(pg, pgliteModule);
    await wire(CompiledQuery.raw("create table again (id int primary key, t text)", []));
    const insert = "insert into again (id, t) values ($1, $2) returning *";
    for (let i = 1; i <= 8; i++) expect((await wire(CompiledQuery.raw(insert, [i, `第${i}次`]))).rows).toEqual([{ id: i, t: `第${i}次` }]);
    const kept = (await prepared()).filter((p) => p.statement === insert);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.name).toMatch(/^xt_\d+$/);
    // the same text with other values reads what they select
    const select = "select t from again where id = $1";
    expect((await wire(CompiledQuery.raw(select, [3]))).rows).toEqual([{ t: "第3次" }]);
    expect((await wire(CompiledQuery.raw(select, [7]))).rows).toEqual([{ t: "第7次" }]);
    expect((await wire(CompiledQuery.raw(select, [99]))).rows).toEqual([]);
    // a transaction's BEGIN, COMMIT and ROLLBACK change no table: the statement stays prepared under its name
    for (const end of ["commit", "rollback"]) {
      await wire(CompiledQuery.raw("begin", []));
      await wire(CompiledQuery.raw(insert, [end === "commit" ? 20 : 21, end]));
      await wire(CompiledQuery.raw(end, []));
    }
    expect((await prepared()).filter((p) => p.statement === insert)).toEqual(kept);
    expect((await wire(CompiledQuery.raw("select id from again where id >= $1", [20]))).rows).toEqual([{ id: 20 }]);
  });

  it("a migration (any statement that is not select/insert/update/delete/with) closes them: `returning *` then has the new column", async () => {
    const wire = createWireExecutor(pg, pgliteModule);
    await wire(CompiledQuery.raw("create table grows (id int primary key)", []));
    const insert = "insert into grows (id) values ($1) returning *";
    expect((await wire(CompiledQuery.raw(insert, [1]))).rows).toEqual([{ id: 1 }]);
    expect((await prepared()).some((p) => p.statement === insert)).toBe(true);
    await wire(CompiledQuery.raw("alter table grows add column note text default '新列'", []));
    expect((await prepared()).filter((p) => p.statement.includes("grows"))).toEqual([]);
    expect((await wire(CompiledQuery.raw(insert, [2]))).rows).toEqual([{ id: 2, note: "新列" }]);
  });

  it("a statement whose first run fails is not kept: the error is PostgreSQL's, and the next run is prepared afresh", async () => {
    const wire = createWireExecutor(pg, pgliteModule);
    const select = "select * from appears_later";
    await expect(wire(CompiledQuery.raw(select, []))).rejects.toMatchObject({ code: "42P01" });
    await expect(wire(CompiledQuery.raw("selec 1", []))).rejects.toMatchObject({ code: "42601" });
    expect((await prepared()).filter((p) => p.statement === select || p.statement === "selec 1")).toEqual([]);
    await wire(CompiledQuery.raw("create table appears_later (k text primary key)", []));
    const insert = "insert into appears_later (k) values ($1)";
    // parsed and then refused at execution: closed, so nothing is left behind under its name
    await wire(CompiledQuery.raw("insert into appears_later (k) values ('甲')", []));
    await expect(wire(CompiledQuery.raw(insert, ["甲"]))).rejects.toMatchObject({ code: "23505" });
    expect((await prepared()).filter((p) => p.statement === insert)).toEqual([]);
    await wire(CompiledQuery.raw(insert, ["乙"]));
    // kept from before: a refusal of these values leaves it prepared, and it runs again
    await expect(wire(CompiledQuery.raw(insert, ["乙"]))).rejects.toMatchObject({ code: "23505" });
    await wire(CompiledQuery.raw(insert, ["丙"]));
    expect((await prepared()).filter((p) => p.statement === insert)).toHaveLength(1);
    expect((await wire<{ k: string }>(CompiledQuery.raw(select + " order by k", []))).rows.map((r) => r.k)).toEqual(["丙", "乙", "甲"].sort());
  });

  it("inside a transaction a refused statement aborts it until ROLLBACK, kept statements and all; then they run again", async () => {
    const wire = createWireExecutor(pg, pgliteModule);
    await wire(CompiledQuery.raw("create table once (k text primary key)", []));
    const insert = "insert into once (k) values ($1)";
    const count = "select count(*)::int as n from once";
    await wire(CompiledQuery.raw(insert, ["甲"]));
    expect((await wire(CompiledQuery.raw(count, []))).rows).toEqual([{ n: 1 }]);
    await wire(CompiledQuery.raw("begin", []));
    await wire(CompiledQuery.raw(insert, ["乙"]));
    await expect(wire(CompiledQuery.raw(insert, ["甲"]))).rejects.toMatchObject({ code: "23505" });
    await expect(wire(CompiledQuery.raw(count, []))).rejects.toMatchObject({ code: "25P02" });
    await wire(CompiledQuery.raw("rollback", []));
    expect((await wire(CompiledQuery.raw(count, []))).rows).toEqual([{ n: 1 }]);
    await wire(CompiledQuery.raw(insert, ["丙"]));
    expect((await wire(CompiledQuery.raw(count, []))).rows).toEqual([{ n: 2 }]);
  });

  it("keeps at most as many as it is told, closing the least recently used", async () => {
    await pg.exec("deallocate all");
    const wire = createWireExecutor(pg, pgliteModule, { prepared: 3 });
    const texts = [1, 2, 3, 4, 5].map((i) => `select ${i} as n`);
    for (const t of texts) await wire(CompiledQuery.raw(t, []));
    await wire(CompiledQuery.raw(texts[2]!, []));
    await wire(CompiledQuery.raw("select 6 as n", []));
    expect((await prepared()).map((p) => p.statement).sort()).toEqual([texts[2], texts[4], "select 6 as n"].sort());
    // and none: every statement parsed each time, nothing kept
    await pg.exec("deallocate all");
    const unnamed = createWireExecutor(pg, pgliteModule, { prepared: 0 });
    expect((await unnamed(CompiledQuery.raw("select 7 as n", []))).rows).toEqual([{ n: 7 }]);
    expect(await prepared()).toEqual([]);
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
