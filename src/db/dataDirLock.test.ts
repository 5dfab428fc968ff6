import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError } from "./dataDirLock";

const fresh = () => mkdtempSync(join(tmpdir(), "xietong-lock-"));

describe("the PGlite data folder lock", () => {
  it("refuses a second opener in the same process and frees the folder on release", () => {
    const dir = fresh();
    const release = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    release();
    expect(existsSync(join(dir, "xietong.lock"))).toBe(false);
    acquireDataDirLock(dir)();
  });

  it("refuses while another live process holds it, naming what to do", async () => {
    const dir = fresh();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(dir, "xietong.lock"), JSON.stringify({ pid: other.pid }));
      expect(() => acquireDataDirLock(dir)).toThrow(/正被另一个 xietong 进程使用（pid \d+）.*请先停止正在运行的服务/);
    } finally {
      other.kill();
    }
  });

  it("takes over a lock left by a process that is gone", () => {
    const dir = fresh();
    writeFileSync(join(dir, "xietong.lock"), JSON.stringify({ pid: 2 ** 22 + 7 }));
    const release = acquireDataDirLock(dir);
    release();
  });
});
