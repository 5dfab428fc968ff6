import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";

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
  // Created through the very pool that will use it (its search_path names the schema before it exists; that is fine).
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db.kysely);
  await migrateToLatest(db);
  const close = db.close;
  db.close = async () => {
    await close();
    const cleanup = await createDb({ databaseUrl: url, poolSize: 1 });
    await cleanup.kysely.schema.dropSchema(schema).cascade().execute();
    await cleanup.close();
  };
  return db;
}
