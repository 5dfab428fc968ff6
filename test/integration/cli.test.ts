import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The commands a newcomer runs, as processes, on the default embedded database (DATABASE_URL unset).

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const dataDir = mkdtempSync(join(tmpdir(), "xietong-cli-"));
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0", HOST: "127.0.0.1" };

function run(script: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [script, ...args], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let server: ChildProcess | undefined;
let base = "";
let token = "";

beforeAll(() => undefined);
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run token / import / start on a fresh data folder", () => {
  it("npm run token prints the token alone on its last line", async () => {
    const out = await run("src/cli/token.ts", ["--name", "集成测试", "--role", "admin"]);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    token = lines.at(-1)!;
    expect(token).toMatch(/^xt_[A-Za-z0-9_-]{43}$/);
  });

  it("npm run token without a name explains its usage", async () => {
    const out = await run("src/cli/token.ts", ["--role", "admin"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("用法：npm run token -- --name 名称 --role admin|supervisor|integration");
  });

  it("npm run import loads the demo organisation", async () => {
    const out = await run("src/cli/import.ts", ["bot/sandbox/demo-city.json"]);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/部门：新增 \d+，更新 0/);
    expect(out.stdout).toContain("导入完成。");
  });

  it("npm start serves /healthz and the admin API", async () => {
    server = spawn(tsx, ["src/main.node.ts"], { cwd: root, env });
    base = await new Promise<string>((resolve, reject) => {
      let out = "";
      server!.stdout!.on("data", (d) => {
        out += d;
        const m = /已启动：(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server!.on("exit", (code) => reject(new Error(`server exited ${code}`)));
    });
    const health = await (await fetch(`${base}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, database: "pglite" });
    const dry = await fetch(`${base}/api/admin/routing/dry-run`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "@市监局 核查某公司营业执照", fromDepartment: "dh-binjiang" }),
    });
    expect(dry.status).toBe(200);
    expect((await dry.json()).targets).toEqual([{ code: "city-amr", name: "市市场监督管理局" }]);
    const docs = await fetch(`${base}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("部门收件");
  });

  it("a CLI opening the same data folder while the server runs is told what to do", async () => {
    const out = await run("src/cli/import.ts", ["bot/sandbox/demo-city.json"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("正被另一个 xietong 进程使用");
    expect(out.stderr).toContain("请先停止正在运行的服务（npm start）");
    expect(out.stderr).toContain("POST /api/admin/import");
  });

  it("after the server stops, the CLI works again and the data is still there", async () => {
    await new Promise<void>((resolve) => {
      server!.once("exit", () => resolve());
      server!.kill("SIGTERM");
    });
    server = undefined;
    const out = await run("src/cli/import.ts", ["bot/sandbox/demo-city.json"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/部门：新增 0，更新 0，未变 \d+/);
  });
});
