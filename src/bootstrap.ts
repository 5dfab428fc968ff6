import type { Deps } from "./commands/context";
import { loadConfig, type AppConfig } from "./config";
import { createDb } from "./db/client";
import { migrateToLatest } from "./db/migrator";

/** Opens the database the configuration names (PGlite under DATA_DIR by default), migrated, and builds the deps. */
export async function bootstrap(config: AppConfig = loadConfig()): Promise<Deps> {
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, config, now: () => new Date() };
}

/** For CLIs: prints a failure as one clear line (no stack trace for expected errors) and exits non-zero. */
export function runCli(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    const known = err.name === "DataDirLockedError" || err.name === "DomainError" || err.message.startsWith("配置有误") || err.message.startsWith("数据库迁移失败") || err.message.startsWith("无法连接");
    console.error(known ? `错误：${err.message}` : err);
    process.exitCode = 1;
  });
}
