import { Migrator, sql, type Migration, type MigrationResultSet } from "kysely";
import { migrations } from "../../migrations";
import type { Db } from "./client";

/**
 * Applies pending migrations. Kysely's migrator records what ran (kysely_migration) and, on PostgreSQL and
 * PGlite, runs the whole batch in one transaction under an advisory lock: a failure leaves nothing half-applied.
 */
export async function migrateToLatest(db: Db, list: Record<string, Migration> = migrations): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: db.kysely.withoutPlugins(),
    provider: { getMigrations: async () => list },
    // Kysely looks for its own tables in every schema; name ours, or another schema's tables would count.
    ...(db.schema ? { migrationTableSchema: db.schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`数据库迁移失败${failed ? `（${failed.migrationName}）` : ""}：${reason}；已全部回滚，数据库未被改动。`);
  }
  return result;
}

/**
 * The migrations this code knows that the database has not run yet (read-only: for the readiness check). Reads
 * our own kysely_migration table alone: Kysely's getMigrations() introspects every schema on the server, which
 * fails when another schema's table disappears meanwhile.
 */
export async function pendingMigrations(db: Db, list: Record<string, Migration> = migrations): Promise<string[]> {
  const table = db.schema ? sql.id(db.schema, "kysely_migration") : sql.id("kysely_migration");
  let done: Set<string>;
  try {
    const r = await sql<{ name: string }>`select name from ${table}`.execute(db.kysely.withoutPlugins());
    done = new Set(r.rows.map((x) => x.name));
  } catch (err) {
    // 42P01 undefined_table: no migration has ever run here.
    if ((err as { code?: unknown }).code !== "42P01") throw err;
    done = new Set();
  }
  return Object.keys(list).filter((name) => !done.has(name));
}
