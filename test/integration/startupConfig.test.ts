import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm start` with a wrong setting: the process names the variable with a correct example and exits 1,
// before it opens the database or listens. Run as a process, as systemd would run it.

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const dataDir = mkdtempSync(join(tmpdir(), "xietong-config-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(vars: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HOST|PORT|DATABASE_URL|DATA_DIR|SANDBOX|TIME_ZONE|METRICS_TOKEN|LARK_\w+)$/.test(k)));
  return new Promise((resolve) => {
    const child = spawn(tsx, ["src/main.node.ts"], { cwd: root, env: { ...env, DATA_DIR: dataDir, PORT: "0", ...vars } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // A server that started after all is stopped, so that the assertion below fails instead of hanging.
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm start with a wrong setting", { timeout: 180_000 }, () => {
  it("names every wrong variable with an example and exits 1", async () => {
    const out = await start({ TIME_ZONE: "UTC+8", WORKING_HOURS: "9-18", METRICS_TOKEN: "short" });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("启动失败：配置有误");
    expect(out.stderr).toContain("TIME_ZONE: TIME_ZONE 须是 IANA 时区名，例如 TIME_ZONE=Asia/Shanghai");
    expect(out.stderr).toContain("WORKING_HOURS: 工作时间格式为 HH:mm-HH:mm，例如 09:00-18:00");
    expect(out.stderr).toContain("METRICS_TOKEN: METRICS_TOKEN 至少 16 个字符");
    expect(out.stdout).not.toContain("已启动");
  });

  it("refuses a Lark app id without its secret, with an example, and exits 1", async () => {
    const out = await start({ LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_MODE: "webhook" });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("启动失败：配置有误：设置了 LARK_APP_ID 就必须同时设置 LARK_APP_SECRET，例如 LARK_APP_ID=cli_a1b2c3d4e5f60718 LARK_APP_SECRET=<App Secret> npm start");
    expect(out.stdout).not.toContain("已启动");
  });
});
