import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("a test that never gives its event loop back fails, named, instead of hanging the run", () => {
  const started = Date.now();
  const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "test/fixtures/watchdog/vitest.config.ts"], {
    cwd: root,
    env: { ...process.env, TEST_WATCHDOG_MS: "3000", FORCE_COLOR: "0", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 25_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  expect(run.error, out).toBeUndefined(); // not ended by the timeout above: the run ended by itself
  expect(run.status, out).not.toBe(0);
  expect(out).toContain("[watchdog] 测试进程的事件循环已");
  expect(out).toContain("blocked.hang.ts › never gives the event loop back");
  expect(Date.now() - started).toBeLessThan(25_000);
});
