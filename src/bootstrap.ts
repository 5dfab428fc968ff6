import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "./commands/context";
import { loadConfig, type AppConfig } from "./config";
import { createDb } from "./db/client";
import { migrateToLatest } from "./db/migrator";

/** Opens the database the configuration names (PGlite under DATA_DIR by default), migrated, and builds the deps. */
export async function bootstrap(config: AppConfig = withAuditKey(loadConfig())): Promise<Deps> {
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.preparedStatements ? undefined : 0 });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, config, now: () => new Date() };
}

/**
 * Without AUDIT_HMAC_KEY (the sandbox, development), the checkpoint key is generated once and kept in
 * DATA_DIR/audit-hmac.key, readable by this user only. That file is outside the database but on the same
 * machine: production sets AUDIT_HMAC_KEY from a secret store (and every server must share the one key).
 */
export function withAuditKey(config: AppConfig): AppConfig {
  if (config.audit.hmacKey) return config;
  const file = join(config.dataDir, "audit-hmac.key");
  let key: string;
  try {
    key = readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    key = randomBytes(32).toString("hex");
    try {
      writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      key = readFileSync(file, "utf8").trim(); // another process wrote it first
    }
  }
  return { ...config, audit: { ...config.audit, hmacKey: key } };
}

/** For CLIs: prints a failure as one clear line (no stack trace for expected errors) and exits non-zero. */
export function runCli(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    const known = err.name === "DataDirLockedError" || err.name === "DomainError" || err.message.startsWith("配置有误") || err.message.startsWith("数据库迁移失败") || err.message.startsWith("无法连接");
    console.error(known ? `错误：${err.message}` : err);
    process.exitCode = 1;
  });
}
