import { Worker } from "node:worker_threads";
import { beforeEach, expect } from "vitest";

/**
 * A test whose thread never gets back to its event loop (a loop of promises that never waits for I/O, a query
 * spinning inside PGlite's WASM) also keeps vitest's own timeouts from firing: the file would hang the whole run,
 * and CI would end only at its time limit with nothing said. This watchdog runs in a thread of its own: when the
 * test thread has not ticked for TEST_WATCHDOG_MS (default 120 s), it names the file and the test, and ends the
 * test process, so that the file fails and the run goes on, instead of hanging. Loaded for every test file
 * (vitest.config.ts setupFiles); test/support/watchdog.test.ts shows it at work.
 */
const limitMs = Number(process.env.TEST_WATCHDOG_MS ?? 120_000);

const start = Date.now();
const beat = new Int32Array(new SharedArrayBuffer(4)); // seconds since start, at the test thread's last tick
const seconds = () => Math.floor((Date.now() - start) / 1000);
setInterval(() => Atomics.store(beat, 0, seconds()), 500).unref();

const watcher = new Worker(
  `
  const { workerData, parentPort } = require("node:worker_threads");
  const { writeSync } = require("node:fs");
  const beat = new Int32Array(workerData.buffer);
  let current = workerData.file;
  parentPort.on("message", (name) => { current = name; });
  setInterval(() => {
    const quiet = Math.floor((Date.now() - workerData.start) / 1000) - Atomics.load(beat, 0);
    if (quiet * 1000 >= workerData.limitMs) {
      writeSync(2, "\\n[watchdog] 测试进程的事件循环已 " + quiet + " 秒没有响应（死循环或卡住的查询），结束该进程：" + current + "\\n");
      process.kill(process.pid, "SIGKILL");
    }
  }, 1000);
  `,
  { eval: true, workerData: { buffer: beat.buffer, start, limitMs, file: expect.getState().testPath ?? "" } },
);
watcher.unref();

beforeEach((ctx) => {
  watcher.postMessage(`${expect.getState().testPath ?? ""} › ${ctx.task.name}`);
});
