import { describe, expect, it } from "vitest";
import type { LogFields, Logger } from "./observability";
import { createShutdown } from "./shutdown";

// The order of a graceful stop, and its bound. (The real thing, SIGTERM mid-burst: test/e2e/gracefulShutdown.test.ts.)

function recorder() {
  const steps: string[] = [];
  const keep = (_f: LogFields, msg: string) => void steps.push(`log: ${msg}`);
  const log: Logger = { info: keep, warn: keep, error: keep };
  return { steps, log };
}

describe("createShutdown", () => {
  it("closes the server and stops the loops, then the database, then exits 0; a second signal changes nothing", async () => {
    const { steps, log } = recorder();
    let closed: () => void = () => undefined;
    const exit = new Promise<number>((resolve) => {
      const shutdown = createShutdown({
        server: { close: ((cb: () => void) => ((closed = cb), steps.push("server closing"))) as never, closeIdleConnections: () => undefined },
        stopWork: async () => void steps.push("loops stopped"),
        closeDatabase: async () => void steps.push("database closed"),
        timeoutMs: 10_000,
        log,
        exit: resolve,
      });
      shutdown("SIGTERM");
      shutdown("SIGINT");
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(steps).not.toContain("database closed"); // an in-flight request is still being answered
    closed();
    expect(await exit).toBe(0);
    expect(steps).toEqual([
      "log: shutting down: no new connections, finishing work in flight",
      "server closing",
      "loops stopped",
      "log: shutdown already under way",
      "database closed",
      "log: shutdown complete",
    ]);
  });

  it("exits 1 when the work in flight outlasts the bound, without closing the database under it", async () => {
    const { steps, log } = recorder();
    const code = await new Promise<number>((resolve) => {
      createShutdown({
        server: { close: (() => undefined) as never, closeIdleConnections: () => undefined }, // a request that never ends
        stopWork: async () => undefined,
        closeDatabase: async () => void steps.push("database closed"),
        timeoutMs: 100,
        log,
        exit: resolve,
      })("SIGTERM");
    });
    expect(code).toBe(1);
    expect(steps).toContain("log: shutdown took too long: exiting with work unfinished");
    expect(steps).not.toContain("database closed");
  });
});
