import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm test` first runs ensureBrowser.mjs (pretest): on a machine that has everything it says nothing; where it
// cannot install what is missing, it stops at once with the command to run.

const script = join(import.meta.dirname, "ensureBrowser.mjs");
const dir = mkdtempSync(join(tmpdir(), "xietong-fonts-"));
chmodSync(dir, 0o755); // readable by the unprivileged user below
// A fontconfig that knows no font directory: a machine without Chinese fonts.
const noFonts = join(dir, "fonts.conf");
writeFileSync(noFonts, '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(env: Record<string, string>, asUser?: { uid: number; gid: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "CHROMIUM_PATH" && k !== "FONTCONFIG_FILE"));
    const child = spawn(process.execPath, [script], { env: { ...base, ...env }, ...(asUser ?? {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm test's pretest (Chromium and Chinese fonts)", () => {
  it("with everything present it says nothing and lets the tests run", async () => {
    expect(await run({})).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("a CHROMIUM_PATH that does not exist stops at once, even as root", async () => {
    const out = await run({ CHROMIUM_PATH: join(dir, "no-chromium") });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain(`CHROMIUM_PATH 指向的 ${join(dir, "no-chromium")} 不存在`);
    expect(out.stderr).toContain("env -u CHROMIUM_PATH npm test");
  });

  it("someone who is not root is given the one apt-get command for what is missing", async () => {
    // Run as nobody when we are root (as on CI); otherwise we already are not root.
    const out = await run({ FONTCONFIG_FILE: noFonts }, process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("浏览器测试需要中文字体「文泉驿微米黑」。请运行：\n  sudo apt-get update && sudo apt-get install -y fonts-wqy-microhei\n然后再运行 npm test。");
  });
});
