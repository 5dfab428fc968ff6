import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { KEEPS_PREPARED, PREPARABLE } from "./preparedStatements";

// Statements kept prepared on PostgreSQL through node-postgres (./preparedStatements.ts). PGlite's side is in
// ./pgliteWire.test.ts. These need a server: TEST_DATABASE_URL.
const url = process.env.TEST_DATABASE_URL;

describe("which statements are kept prepared", () => {
  it("those that read or write rows; transaction control and the like leave them; anything else (DDL) retires them", () => {
    for (const s of ["select 1", "  SELECT * from t", "insert into t values ($1)", "update t set a = 1", "delete from t", "with x as (select 1) select * from x"]) expect(PREPARABLE.test(s)).toBe(true);
    for (const s of ["begin", "commit", "rollback", "set search_path = a", "vacuum t", "analyze t", "select_x", "create table t (a int)"]) expect(PREPARABLE.test(s)).toBe(false);
    for (const s of ["begin", "BEGIN", "commit", "rollback", "savepoint a", "release a", "set local x = 1", "vacuum (analyze) t", "lock table t"]) expect(KEEPS_PREPARED.test(s)).toBe(true);
    for (const s of ["create table t (a int)", "alter table t add b int", "drop table t", "do $$ begin end $$", "truncate t", "comment on table t is 'x'"]) expect(KEEPS_PREPARED.test(s)).toBe(false);
  });
});

describe.skipIf(!url)("PostgreSQL: statements kept prepared on each connection", () => {
  const schema = `prep_${randomBytes(5).toString("hex")}`;
  let admin: Db;
  let db: Db;
  /** the named statements of the one connection `db` has */
  const prepared = async () => (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db.kysely)).rows;

  beforeAll(async () => {
    admin = await createDb({ databaseUrl: url!, poolSize: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.kysely);
    db = await createDb({ databaseUrl: url!, schema, poolSize: 1 });
  });
  afterAll(async () => {
    await db.close();
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.kysely);
    await admin.close();
  });

  it("a statement run again is bound to the one prepared the first time; BEGIN and COMMIT leave it", async () => {
    await sql`create table again (id int primary key, t text)`.execute(db.kysely);
    for (let i = 1; i <= 7; i++) {
      await db.transaction(async (trx) => {
        const row = await sql<{ id: number; t: string }>`insert into again (id, t) values (${i}, ${`第${i}次`}) returning *`.execute(trx);
        expect(row.rows).toEqual([{ id: i, t: `第${i}次` }]);
      });
    }
    const kept = (await prepared()).filter((p) => p.statement.startsWith("insert into again"));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.name).toMatch(/^xt\d+_/);
    const read = async (id: number) => (await sql<{ t: string }>`select t from again where id = ${id}`.execute(db.kysely)).rows;
    expect(await read(3)).toEqual([{ t: "第3次" }]);
    expect(await read(99)).toEqual([]);
  });

  it("after a migration on the same connection, `returning *` has the new column at once", async () => {
    await sql`create table grows (id int primary key)`.execute(db.kysely);
    const insert = (id: number) => sql<Record<string, unknown>>`insert into grows (id) values (${id}) returning *`.execute(db.kysely);
    expect((await insert(1)).rows).toEqual([{ id: 1 }]);
    await sql`alter table grows add column note text default '新列'`.execute(db.kysely);
    expect((await insert(2)).rows).toEqual([{ id: 2, note: "新列" }]);
  });

  it("after a migration by another server, a kept statement fails once at most, with PostgreSQL's code, then runs prepared afresh", async () => {
    await sql`create table elsewhere (id int primary key)`.execute(db.kysely);
    const insert = (id: number) => sql<Record<string, unknown>>`insert into elsewhere (id) values (${id}) returning *`.execute(db.kysely);
    for (let i = 1; i <= 6; i++) await insert(i);
    await sql`alter table ${sql.id(schema, "elsewhere")} add column note text default '别处'`.execute(admin.kysely);
    const first = await insert(7).then(
      (r) => r.rows,
      (err: { code?: string }) => err.code,
    );
    expect([[{ id: 7, note: "别处" }], "0A000"]).toContainEqual(first);
    expect((await insert(8)).rows).toEqual([{ id: 8, note: "别处" }]);
  });

  it("keeps at most as many as it is told on a connection: past that they are deallocated and prepared afresh", async () => {
    const few = await createDb({ databaseUrl: url!, schema, poolSize: 1, preparedStatements: 3 });
    try {
      // five texts, twice over: each answers right whether it was kept, retired or prepared afresh
      for (let round = 0; round < 2; round++) {
        for (let i = 1; i <= 5; i++) expect((await sql<{ n: number }>`select ${sql.raw(String(i))}::int + ${round} as n`.execute(few.kysely)).rows).toEqual([{ n: i + round }]);
      }
      const kept = (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(few.kysely)).rows;
      expect(kept.length).toBeLessThanOrEqual(3);
    } finally {
      await few.close();
    }
  });

  it("with none kept, every statement is parsed each time and nothing is left on the connection", async () => {
    const plain = await createDb({ databaseUrl: url!, schema, poolSize: 1, preparedStatements: 0 });
    try {
      for (let i = 0; i < 3; i++) expect((await sql<{ n: number }>`select ${i}::int as n`.execute(plain.kysely)).rows).toEqual([{ n: i }]);
      expect((await sql`select name from pg_prepared_statements`.execute(plain.kysely)).rows).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
