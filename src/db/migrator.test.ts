import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createTestDb, migrateTestDb } from "../../test/support/db";

describe("the migrator", () => {
  it("records what ran and runs nothing twice", async () => {
    const db = await createTestDb();
    try {
      const again = await migrateTestDb(db);
      expect(again.results).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("a failing migration leaves nothing half-applied", async () => {
    const db = await createTestDb();
    try {
      const broken = {
        "2099_01_01_0000_add_table": { up: async (k: any) => void (await sql`create table half_done (id int)`.execute(k)) },
        "2099_01_01_0001_broken": { up: async (k: any) => void (await sql`alter table no_such_table add column x int`.execute(k)) },
      };
      await expect(migrateTestDb(db, { ...(await import("../../migrations")).migrations, ...broken })).rejects.toThrow(
        /数据库迁移失败（2099_01_01_0001_broken）.*已全部回滚/,
      );
      const exists = await sql<{ t: string | null }>`select to_regclass('half_done')::text as t`.execute(db.kysely);
      expect(exists.rows[0]!.t).toBeNull();
    } finally {
      await db.close();
    }
  });
});
