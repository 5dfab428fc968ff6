import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm start` without LARK_APP_ID runs the offline sandbox, where anyone signs in as anyone: it must not be
// reachable by accident. Run as a process, as a newcomer (or a careless deployment) would.

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const dataDir = mkdtempSync(join(tmpdir(), "xietong-sandbox-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The environment of a shell with nothing of ours set, plus `vars`. */
function envWith(vars: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HOST|PORT|DATABASE_URL|DATA_DIR|SANDBOX|AUDIT_HMAC_KEY|LARK_\w+)$/.test(k)));
  return { ...env, DATA_DIR: dataDir, PORT: "0", ...vars };
}

/** Starts the server; resolves with its output once it listens (then stops it) or once it exits. */
function start(vars: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, ["src/main.node.ts"], { cwd: root, env: envWith(vars) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.includes("/sandbox ，")) child.kill("SIGTERM");
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Each test starts a process that loads the whole server: on a busy 2-core machine that takes a while.
describe("npm start without a Lark app (the sandbox)", { timeout: 180_000 }, () => {
  it("listens on loopback only and says loudly what it is", async () => {
    const out = await start({});
    expect(out.stdout).toMatch(/监听地址：127\.0\.0\.1:\d+/);
    expect(out.stderr).toContain("沙箱模式（未设置 LARK_APP_ID）");
    expect(out.stderr).toContain("任何能打开本服务页面的人，都可以冒充任何人（包括管理员）登录和操作");
    expect(out.stderr).toContain("只监听本机（127.0.0.1），其他机器无法访问");
    // no AUDIT_HMAC_KEY set: the audit checkpoints get a key generated in DATA_DIR (before, the checkpoint job
    // failed at every run with "未配置审计检查点密钥")
    expect(readFileSync(join(dataDir, "audit-hmac.key"), "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    expect(out.stdout + out.stderr).not.toContain("未配置审计检查点密钥");
  });

  it("refuses a real database unless SANDBOX=1, before connecting to it", async () => {
    const out = await start({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/production" });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("启动失败：配置有误：未设置 LARK_APP_ID，将启用离线沙箱平台");
    expect(out.stderr).toContain("SANDBOX=1 DATABASE_URL=postgres://… npm start");
    expect(out.stderr).not.toContain("无法连接");
  });

  it("refuses every interface unless SANDBOX=1", async () => {
    const out = await start({ HOST: "0.0.0.0" });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("不能监听 HOST=0.0.0.0");
    expect(out.stderr).toContain("SANDBOX=1 HOST=0.0.0.0 npm start");
  });
});
