import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrap, withAuditKey } from "../../src/bootstrap";
import { runCommand, type Deps } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { loadConfig } from "../../src/config";
import { loadUserActor } from "../../src/db/repositories/org";
import { auditCheckpoint } from "../../src/jobs/auditCheckpoint";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// npm run audit:verify as a process on the default embedded database, with the key generated in DATA_DIR.

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const dataDir = mkdtempSync(join(tmpdir(), "xietong-audit-"));
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", AUDIT_HMAC_KEY: "" };
// Processes that open an on-disk database on a shared 2-core machine: a generous limit, not a speed claim.
const SLOW = 240_000;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function verify(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, ["src/cli/auditVerify.ts"], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Opens the data folder in this process (the CLI cannot while it is open), does something, closes it. */
async function withData(fn: (deps: Deps) => Promise<void>) {
  const deps = await bootstrap(withAuditKey(loadConfig({ DATA_DIR: dataDir })));
  try {
    await fn(deps);
  } finally {
    await deps.db.close();
  }
}

describe("npm run audit:verify", () => {
  it("says all is well, with the newest checkpoint to compare with the admins' chat", async () => {
    await withData(async (deps) => {
      await runCommand(deps, ADMIN, orgImporter, smallOrg);
      const member = (await loadUserActor(deps.db.kysely, { openId: "ou_member" }))!;
      const dispatcher = (await loadUserActor(deps.db.kysely, { openId: "ou_amrdisp" }))!;
      const { request } = await runCommand(deps, member, requestCreator, { text: "@市监局 核查某公司营业执照", source: "chat" });
      await runCommand(deps, dispatcher, taskAccepter, { task: { requestNumber: request.number } });
      await auditCheckpoint.perform(deps);
    });
    expect(existsSync(join(dataDir, "audit-hmac.key"))).toBe(true);
    const out = await verify();
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines[0]).toBe("留痕核验：2 条链、3 条记录、1 个检查点。");
    expect(lines[1]).toMatch(/^最新检查点 #1（.+）：2 条链、3 条记录，摘要 [0-9a-f]{16}。请与管理员群中最后一条检查点消息核对/);
    expect(lines.at(-1)).toBe("全部完好。");
  }, SLOW);

  it("prints each break and why, and exits 1", async () => {
    await withData(async (deps) => {
      await sql`alter table audit_events disable trigger user`.execute(deps.db.kysely);
      await sql`delete from audit_events where chain = 'request:1' and seq = 2`.execute(deps.db.kysely);
      await sql`alter table audit_events enable trigger user`.execute(deps.db.kysely);
    });
    const out = await verify();
    expect(out.code, out.stdout + out.stderr).toBe(1);
    expect(out.stdout).toContain("发现 1 处问题：\n  链 request:1（XT-2026-000001） 第 2 条：末尾的记录被删除：检查点 #1 记录该链到第 2 条，现只到第 1 条\n核验未通过。");
  }, SLOW);
});
