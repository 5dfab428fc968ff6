import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";

/**
 * Test files run in parallel against one PostgreSQL server, each in a schema of its own. Kysely's migrator looks
 * at every schema on the server (its table introspection calls has_schema_privilege by schema name), so a schema
 * another file drops at that moment makes the migration fail with `schema "t_…" does not exist`. Creating and
 * migrating a schema, and dropping one, therefore happen under one session-level advisory lock.
 */
const SCHEMA_CHANGE_LOCK = 7_424_201;

async function withSchemaLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const lock = await createDb({ databaseUrl: url, poolSize: 1 });
  try {
    await sql`select pg_advisory_lock(${SCHEMA_CHANGE_LOCK})`.execute(lock.kysely);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${SCHEMA_CHANGE_LOCK})`.execute(lock.kysely);
    }
  } finally {
    await lock.close();
  }
}

/** Runs the migrator on a test database, under the schema lock on PostgreSQL (see above). */
export async function migrateTestDb(db: Db, list?: Parameters<typeof migrateToLatest>[1]) {
  const url = process.env.TEST_DATABASE_URL;
  return url && db.kind === "postgres" ? withSchemaLock(url, () => migrateToLatest(db, list)) : migrateToLatest(db, list);
}

/**
 * A fresh, migrated database for one test file: embedded PGlite in memory by default, or — when
 * TEST_DATABASE_URL is set — a schema of its own on that PostgreSQL server, dropped afterwards.
 */
export async function createTestDb(): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await createDb({ dataDir: "memory://" });
    await migrateToLatest(db);
    return db;
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const db = await createDb({ databaseUrl: url, schema, poolSize: 10 });
  try {
    await withSchemaLock(url, async () => {
      await sql`create schema ${sql.id(schema)}`.execute(db.kysely);
      await migrateToLatest(db);
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const close = db.close;
  db.close = async () => {
    await close();
    await withSchemaLock(url, async () => {
      const cleanup = await createDb({ databaseUrl: url, poolSize: 1 });
      try {
        await cleanup.kysely.schema.dropSchema(schema).ifExists().cascade().execute();
      } finally {
        await cleanup.close();
      }
    });
  };
  return db;
}
