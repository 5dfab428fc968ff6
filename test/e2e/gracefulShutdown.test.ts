import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { startChildServer } from "../support/childServer";
import { createTestDb } from "../support/db";
import { burst, burstServerEnv, envelopes, redeliverAll, repliesPerEvent, requestsPerEvent, startBurstPlatform, untilAnswered, type BurstPlatform } from "../support/eventBurst";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// SIGTERM (systemd stopping the service, a rolling upgrade) in the middle of a burst of events: the server stops
// accepting, finishes what it accepted, closes the database and exits 0. Every event it acknowledged is kept:
// the platform redelivers only what was never acknowledged, and after a restart each request exists once and
// each requester is told once.

const BURST = 60;
const METRICS_TOKEN = "shutdown-metrics-token-0123456789";
const pg = process.env.TEST_DATABASE_URL;

let platform: BurstPlatform;
beforeAll(async () => {
  platform = await startBurstPlatform();
});
afterAll(() => platform.close());

/** The server's JSON log records (pino: one object a line; other lines are the start-up banner). */
const records = (output: string) =>
  output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("SIGTERM during a burst of signed events", () => {
  it("drains and exits 0; nothing it acknowledged is lost, nothing is doubled after a restart", async () => {
    const tag = "停服务";
    const dir = mkdtempSync(join(tmpdir(), "xietong-drain-"));
    let db: Db | null = pg ? await createTestDb() : await createDb({ dataDir: dir });
    try {
      if (!pg) await migrateToLatest(db);
      await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
      const env = burstServerEnv(platform.base, { ...(pg ? { DATABASE_URL: pg, TEST_SCHEMA: db.schema! } : { DATA_DIR: dir }), METRICS_TOKEN, SHUTDOWN_TIMEOUT_SECONDS: "60" });
      if (!pg) {
        await db.close(); // PGlite: one process at a time
        db = null;
      }
      const events = envelopes(platform.sandbox, tag, BURST);
      let server = await startChildServer(env);
      let exited: Promise<number | null> | null = null;
      const statuses = await burst([server.base], events, async () => {
        exited = server.stop("SIGTERM");
      });
      expect(await exited!, server.output()).toBe(0);
      // Requests under way were answered; after that, connections were refused (0). Never a 5xx.
      const seen = [...statuses.values()];
      expect(seen.filter((s) => s !== 200 && s !== 0), server.output()).toEqual([]);
      expect(seen.filter((s) => s === 0).length).toBeGreaterThan(0); // SIGTERM really came mid-burst
      const logged = records(server.output());
      expect(logged.map((r) => r.msg)).toEqual(expect.arrayContaining(["shutting down: no new connections, finishing work in flight", "shutdown complete"]));
      expect(logged.find((r) => r.route === "/lark/events")).toMatchObject({ method: "POST", status: 200, requestId: expect.any(String), ms: expect.any(Number) });
      expect(server.output()).not.toContain("核查营业执照"); // the message text is never logged

      // The platform redelivers what was not acknowledged, and only that.
      server = await startChildServer(env);
      const unacknowledged = events.filter((e) => statuses.get(e.n) !== 200);
      await redeliverAll(server.base, unacknowledged);
      const replies = await untilAnswered(platform.sandbox, tag, BURST);
      expect(replies.filter((c) => c === 0), server.output()).toEqual([]);

      const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      expect(metrics).toContain(`xietong_webhook_events_total{outcome="message_stored"} ${unacknowledged.length}`);
      expect(metrics).toContain(`xietong_http_requests_total{method="POST",route="/lark/events",status="200"} ${unacknowledged.length}`);
      expect(metrics).toMatch(/\nxietong_inbox_pending 0\n/);

      expect(await server.stop("SIGTERM")).toBe(0);
      db ??= await createDb({ dataDir: dir });
      const once = new Array<number>(BURST).fill(1);
      expect(await requestsPerEvent(db, tag, BURST)).toEqual(once);
      expect(repliesPerEvent(platform.sandbox, tag, BURST)).toEqual(once);
      expect(await db.kysely.selectFrom("inboundEvents").select("eventId").where("handledAt", "is", null).execute()).toEqual([]);
    } finally {
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
