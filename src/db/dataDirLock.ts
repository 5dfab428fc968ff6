import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * PGlite has no lock of its own: two processes opening the same folder corrupt it. We keep a lock file
 * holding the owner's pid; a second opener gets a clear Chinese message saying what to do. A lock left by
 * a process that no longer exists (crash, kill -9) is taken over.
 */
/** Lock files this process holds: a pid equal to ours in a lock we do not hold is a stale lock from a reused pid. */
const held = new Set<string>();

export function acquireDataDirLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, "xietong.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), argv: process.argv.slice(1) }));
      closeSync(fd);
      held.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        process.off("exit", release);
        try {
          unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = readOwner(lockPath);
      const ours = owner?.pid === process.pid;
      if (owner && ((ours && held.has(lockPath)) || (!ours && isAlive(owner.pid)))) {
        throw new DataDirLockedError(dir, owner.pid);
      }
      // Stale lock (its process is gone): remove and try once more.
      if (existsSync(lockPath)) unlinkSync(lockPath);
    }
  }
  throw new DataDirLockedError(dir, undefined);
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number | undefined) {
    super(
      `数据目录 ${dir} 正被另一个 xietong 进程使用${pid ? `（pid ${pid}）` : ""}。` +
        `内置数据库（PGlite）同一时间只能由一个进程打开。请先停止正在运行的服务（npm start）再执行此命令，` +
        `或在服务运行时改用 HTTP 接口（例如 POST /api/admin/import），` +
        `或设置 DATABASE_URL 使用 PostgreSQL 服务器。`,
    );
    this.name = "DataDirLockedError";
  }
}

function readOwner(path: string): { pid: number } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
    return typeof parsed.pid === "number" ? { pid: parsed.pid } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
