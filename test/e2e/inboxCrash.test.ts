import { serve, type ServerType } from "@hono/node-server";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../bot/sandbox";
import { encryptEvent, signEvent } from "../../bot/sandbox/events";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { startChildServer, type ChildServer } from "../support/childServer";
import { startTcpProxy } from "../support/tcpProxy";
import { createTestDb } from "../support/db";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// Nothing lost, nothing doubled: the real server runs in a process of its own, a burst of signed, encrypted
// chat messages arrives, and the process is killed (SIGKILL) or its database connections are terminated in the
// middle. The platform then redelivers every event, as it does: each request must exist exactly once, and each
// requester must be told exactly once.

const APP = { id: "cli_a1b2c3d4e5f60718", secret: "crash-secret", encryptKey: "crash-encrypt-key", token: "crash-token" };
const BURST = 60;
const REQUESTERS = ["ou_member", "ou_member2"];
const pg = process.env.TEST_DATABASE_URL;

let sandbox: Sandbox;
let sandboxServer: ServerType;
let sandboxBase: string;
beforeAll(async () => {
  sandbox = createSandbox({ appId: APP.id, appSecret: APP.secret, encryptKey: APP.encryptKey, verificationToken: APP.token, retryDelaysMs: [] });
  for (const u of smallOrg.users) sandbox.addUser({ openId: u.openId, name: u.name });
  sandbox.addChat({ chatId: "oc_amr", name: "市市场监督管理局工作群", type: "group", members: ["ou_amrhead"] });
  sandboxServer = await new Promise((resolve) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  sandboxBase = `http://127.0.0.1:${(sandboxServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.close();
  await new Promise((r) => sandboxServer.close(r));
});

/** The burst: one request per event, each with a title of its own ("第n件"), from two people in turn. */
function envelopes(tag: string) {
  return Array.from({ length: BURST }, (_, n) => {
    const openId = REQUESTERS[n % REQUESTERS.length]!;
    return {
      n,
      openId,
      body: {
        schema: "2.0",
        header: { event_id: `ev_${tag}_${n}`, token: APP.token, create_time: String(Date.now()), event_type: "im.message.receive_v1", tenant_key: "t", app_id: APP.id },
        event: {
          sender: { sender_id: { open_id: openId }, sender_type: "user" },
          message: {
            message_id: `om_${tag}_${n}`,
            chat_id: sandbox.p2pChatFor(openId).chatId,
            chat_type: "p2p",
            message_type: "text",
            content: JSON.stringify({ text: `/发起 @市监局 核查营业执照 ${tag}第${n}件` }),
            mentions: [],
          },
        },
      },
    };
  });
}

/** One delivery as the platform makes it: encrypted, signed; status 0 when the server is gone. */
async function deliver(base: string, envelope: unknown): Promise<number> {
  const body = JSON.stringify({ encrypt: encryptEvent(JSON.stringify(envelope), APP.encryptKey) });
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = Math.random().toString(36).slice(2);
  try {
    const res = await fetch(`${base}/lark/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lark-request-timestamp": ts, "x-lark-request-nonce": nonce, "x-lark-signature": signEvent(ts, nonce, APP.encryptKey, body) },
      body,
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Fires the burst four at a time; `midway` runs once when a third of it was acknowledged. */
async function burst(base: string, events: ReturnType<typeof envelopes>, midway: () => Promise<void>) {
  let acked = 0;
  let fired = false;
  const statuses: number[] = [];
  const queue = [...events];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const status = await deliver(base, e.body);
        statuses.push(status);
        if (status === 200 && ++acked >= BURST / 3 && !fired) {
          fired = true;
          await midway();
        }
      }
    }),
  );
  return statuses;
}

/** The platform's redelivery: every event again, each until it is acknowledged. */
async function redeliverAll(base: string, events: ReturnType<typeof envelopes>) {
  for (const e of events) {
    for (let attempt = 0; (await deliver(base, e.body)) !== 200; attempt++) {
      if (attempt > 20) throw new Error(`事件 ${e.n} 重投 20 次仍未被接受`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The bot's replies about the burst, per event number. */
function repliesPerEvent(tag: string): number[] {
  const counts = new Array<number>(BURST).fill(0);
  for (const openId of REQUESTERS) {
    for (const m of sandbox.messages({ receiveId: openId })) {
      if (m.sender.sender_type !== "app") continue;
      const hit = new RegExp(`${tag}第(\\d+)件`).exec(JSON.parse(m.content).text ?? "");
      if (hit) counts[Number(hit[1])]!++;
    }
  }
  return counts;
}

/** Waits (up to five minutes: the machine is shared) until every event was answered. */
async function untilAnswered(tag: string, server: ChildServer) {
  for (let i = 0; i < 600 && repliesPerEvent(tag).some((c) => c === 0); i++) await new Promise((r) => setTimeout(r, 500));
  expect(repliesPerEvent(tag).filter((c) => c === 0), server.output()).toEqual([]);
}

async function requestsPerEvent(db: Db, tag: string): Promise<number[]> {
  const rows = await db.kysely.selectFrom("requests").select("title").where("title", "like", `%${tag}第%`).execute();
  const counts = new Array<number>(BURST).fill(0);
  for (const r of rows) counts[Number(new RegExp(`${tag}第(\\d+)件`).exec(r.title)![1])]!++;
  return counts;
}

const serverEnv = (extra: Record<string, string>) => ({
  LARK_APP_ID: APP.id,
  LARK_APP_SECRET: APP.secret,
  LARK_ENCRYPT_KEY: APP.encryptKey,
  LARK_VERIFICATION_TOKEN: APP.token,
  LARK_DOMAIN: sandboxBase,
  LARK_MODE: "webhook",
  ...extra,
});

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
      const events = envelopes(tag);
      let server = await startChildServer(env);
      const statuses = await burst(server.base, events, () => server.stop("SIGKILL"));
      expect(statuses.filter((s) => s !== 200).length).toBeGreaterThan(0); // the kill really was mid-burst

      server = await startChildServer(env);
      await redeliverAll(server.base, events);
      await untilAnswered(tag, server);
      await server.stop("SIGTERM");
      db ??= await createDb({ dataDir: dir });
      expect(await requestsPerEvent(db, tag)).toEqual(once);
      expect(repliesPerEvent(tag)).toEqual(once);
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
      const events = envelopes(tag);
      await burst(server.base, events, terminate);
      await terminate(); // the idle pool too, once the burst is over
      expect(server.alive(), server.output()).toBe(true);

      // The database away altogether (a restart): the API and the webhook answer 503, the process lives on.
      await proxy.away();
      const health = await fetch(`${server.base}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ error: { code: "database_unavailable", message: "数据库暂时无法连接，请稍后重试。" } });
      const [late] = envelopes(`${tag}后`);
      expect(await deliver(server.base, late!.body)).toBe(503);
      expect(server.alive(), server.output()).toBe(true);
      await proxy.back();
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

      await redeliverAll(server.base, events);
      await untilAnswered(tag, server);
      expect(server.alive()).toBe(true);
      await server.stop("SIGTERM");
      expect(await requestsPerEvent(db, tag)).toEqual(once);
      expect(repliesPerEvent(tag)).toEqual(once);
    } finally {
      await proxy.close();
      await db.close();
    }
  }, 600_000);
});
