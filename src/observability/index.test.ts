import { afterEach, describe, expect, it, vi } from "vitest";
import { observability } from ".";
import { noopMetrics } from "./metrics";

describe("observability without a configured logger (the Worker, tests, benches)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs at the configured LOG_LEVEL", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { log } = observability({ config: { logLevel: "warn" } });
    log.info({ route: "/api/inbox" }, "request");
    log.warn({ route: "/api/inbox" }, "request failed");
    expect(out).not.toHaveBeenCalled();
    expect(warned).toHaveBeenCalledTimes(1);
    expect(JSON.parse(warned.mock.calls[0]![0] as string)).toMatchObject({ level: 40, route: "/api/inbox", msg: "request failed" });
  });

  it("logs info when no level is configured, and nothing when silent", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => undefined);
    observability({}).log.info({ route: "/api/me" }, "request");
    observability({ config: { logLevel: "silent" } }).log.info({ route: "/api/me" }, "request");
    expect(out).toHaveBeenCalledTimes(1);
  });

  it("uses the process's own logger when deps carry one", () => {
    const records: string[] = [];
    const log = { info: (_f: object, m: string) => records.push(m), warn: () => undefined, error: () => undefined };
    expect(observability({ obs: { log, metrics: noopMetrics }, config: { logLevel: "silent" } }).log).toBe(log);
  });
});
