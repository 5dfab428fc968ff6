import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { startChildServer, type ChildServer } from "../support/childServer";
import { startTcpProxy } from "../support/tcpProxy";
import { burst, burstServerEnv, deliver, envelopes, redeliverAll, repliesPerEvent, requestsPerEvent, startBurstPlatform, untilAnswered, type BurstPlatform } from "../support/eventBurst";
import { createTestDb } from "../support/db";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// Nothing lost, nothing doubled: the real server runs in a process of its own, a burst of signed, encrypted
// chat messages arrives, and the process is killed (SIGKILL) or its database connections are terminated in the
// middle. The platform then redelivers every event, as it does: each request must exist exactly once, and each
// requester must be told exactly once.

const BURST = 60;
const pg = process.env.TEST_DATABASE_URL;

let platform: BurstPlatform;
beforeAll(async () => {
  platform = await startBurstPlatform();
});
afterAll(() => platform.close());

const serverEnv = (extra: Record<string, string>) => burstServerEnv(platform.base, extra);
const events = (tag: string) => envelopes(platform.sandbox, tag, BURST);
const replies = (tag: string) => repliesPerEvent(platform.sandbox, tag, BURST);
async function untilAllAnswered(tag: string, server: ChildServer) {
  expect((await untilAnswered(platform.sandbox, tag, BURST)).filter((c) => c === 0), server.output()).toEqual([]);
}

const once = new Array<number>(BURST).fill(1);

describe("a server killed in the middle of a burst", () => {
  it("loses no request and doubles none: after redelivery each exists once and each requester is told once", async () => {
    const tag = "杀进程";
    // PGlite keeps its files in a folder of its own; on PostgreSQL the server works in this test's schema.
    const dir = mkdtempSync(join(tmpdir(), "xietong-crash-"));
    let db: Db | null = pg ? await createTestDb() : await createDb({ dataDir: dir });
    try {
      if (!pg) await migrateToLatest(db);
      await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
      const env = serverEnv(pg ? { DATABASE_URL: pg, TEST_SCHEMA: db.schema! } : { DATA_DIR: dir });
      if (!pg) {
        await db.close(); // PGlite: one process at a time
        db = null;
      }
      const burstEvents = events(tag);
      let server = await startChildServer(env);
      const statuses = await burst([server.base], burstEvents, async () => void (await server.stop("SIGKILL")));
      expect([...statuses.values()].filter((s) => s !== 200).length).toBeGreaterThan(0); // the kill really was mid-burst

      server = await startChildServer(env);
      await redeliverAll(server.base, burstEvents);
      await untilAllAnswered(tag, server);
      await server.stop("SIGTERM");
      db ??= await createDb({ dataDir: dir });
      expect(await requestsPerEvent(db, tag, BURST)).toEqual(once);
      expect(replies(tag)).toEqual(once);
      const pending = await db.kysely.selectFrom("inboundEvents").select("eventId").where("handledAt", "is", null).execute();
      expect(pending).toEqual([]);
    } finally {
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

describe("a database that drops every connection of the server mid-burst", () => {
  // PostgreSQL only: PGlite runs inside the server process, there is no connection to lose.
  it.runIf(pg)("the server stays up, answers 503 while the database is away, recovers, and after redelivery nothing is lost or doubled", async () => {
    const tag = "断连接";
    const db = await createTestDb();
    const target = new URL(pg!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    try {
      await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
      // The server reaches the database through the relay, under a name of its own (to find its connections).
      const appName = `xt_${db.schema}`;
      const url = new URL(pg!);
      url.host = `127.0.0.1:${proxy.port}`;
      url.searchParams.set("application_name", appName);
      const server = await startChildServer(serverEnv({ DATABASE_URL: url.toString(), TEST_SCHEMA: db.schema! }));
      const terminate = async () => {
        const r = await sql<{ n: number }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = ${appName}`.execute(db.kysely);
        expect(r.rows[0]!.n).toBeGreaterThan(0);
      };
      const burstEvents = events(tag);
      await burst([server.base], burstEvents, terminate);
      await terminate(); // the idle pool too, once the burst is over
      expect(server.alive(), server.output()).toBe(true);

      // The database away altogether (a restart): the API and the webhook answer 503, the process lives on.
      await proxy.away();
      const health = await fetch(`${server.base}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ error: { code: "database_unavailable", message: "数据库暂时无法连接，请稍后重试。" } });
      const [late] = events(`${tag}后`);
      expect(await deliver(server.base, late!.body)).toBe(503);
      expect(server.alive(), server.output()).toBe(true);
      await proxy.back();
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

      await redeliverAll(server.base, burstEvents);
      await untilAllAnswered(tag, server);
      expect(server.alive()).toBe(true);
      await server.stop("SIGTERM");
      expect(await requestsPerEvent(db, tag, BURST)).toEqual(once);
      expect(replies(tag)).toEqual(once);
    } finally {
      await proxy.close();
      await db.close();
    }
  }, 600_000);
});
