import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SendRecord } from "../../bot/sandbox";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import { startChildServer, type ChildServer } from "../support/childServer";
import { createTestDb } from "../support/db";
import { burstServerEnv, deliver, envelopes, REQUESTERS, repliesPerEvent, requestsPerEvent, startBurstPlatform, untilAnswered, type BurstPlatform } from "../support/eventBurst";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// Two stateless servers behind a load balancer, one PostgreSQL: the platform's events land on either, and a
// redelivered event may land on both at once. Each request must exist once, each requester be told once, and
// no chat may get more than the platform's 5 messages a second, though two processes send to it.

const BURST = 40;
const pg = process.env.TEST_DATABASE_URL;

let platform: BurstPlatform;
beforeAll(async () => {
  platform = await startBurstPlatform();
});
afterAll(() => platform.close());

/** The most sends to one chat within any one second, by the platform's clock. */
function busiestSecond(log: SendRecord[], chatId: string): number {
  const times = log.filter((r) => r.chatId === chatId && r.status === 200).map((r) => r.at);
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - 1000 && u <= t).length));
}

describe("two Node servers on one PostgreSQL", () => {
  // PostgreSQL only (skipped without TEST_DATABASE_URL): PGlite is one process's embedded database.
  it.runIf(pg)("a burst to both, every event also to the other at once: no duplicate request, no lost message, no chat above 5 a second", async () => {
    const tag = "双机";
    const db = await createTestDb();
    const servers: ChildServer[] = [];
    try {
      await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
      const env = burstServerEnv(platform.base, { DATABASE_URL: pg!, TEST_SCHEMA: db.schema! });
      servers.push(...(await Promise.all([startChildServer(env), startChildServer(env)])));
      const [a, b] = servers as [ChildServer, ChildServer];
      const logFrom = platform.sandbox.sendLog().length;

      // Four lanes; each event goes to both servers at the same moment (a redelivery racing the first delivery).
      const events = envelopes(platform.sandbox, tag, BURST);
      const queue = [...events];
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let e = queue.shift(); e; e = queue.shift()) {
            const [first, second] = e.n % 2 ? [a, b] : [b, a];
            statuses.push(...(await Promise.all([deliver(first.base, e.body), deliver(second.base, e.body)])));
          }
        }),
      );
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      const replies = await untilAnswered(platform.sandbox, tag, BURST);
      expect(replies.filter((c) => c === 0), a.output() + b.output()).toEqual([]);
      // The department's group is told of every request once, however many servers sent.
      for (let i = 0; i < 600; i++) {
        const left = await db.kysely.selectFrom("outbox").select("id").where("deliveredAt", "is", null).execute();
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(await db.kysely.selectFrom("outbox").select(["id", "parkReason"]).where("deliveredAt", "is", null).execute()).toEqual([]);

      expect(await requestsPerEvent(db, tag, BURST)).toEqual(new Array<number>(BURST).fill(1));
      expect(repliesPerEvent(platform.sandbox, tag, BURST)).toEqual(new Array<number>(BURST).fill(1));
      const announced = new Array<number>(BURST).fill(0);
      for (const m of platform.sandbox.messages({ chatId: "oc_amr" })) {
        const hit = new RegExp(`${tag}第(\\d+)件`).exec(m.content);
        if (hit && m.sender.sender_type === "app") announced[Number(hit[1])]!++;
      }
      expect(announced).toEqual(new Array<number>(BURST).fill(1));
      expect(await db.kysely.selectFrom("inboundEvents").select("eventId").where("handledAt", "is", null).execute()).toEqual([]);

      const log = platform.sandbox.sendLog().slice(logFrom);
      const chats = ["oc_amr", ...REQUESTERS.map((o) => platform.sandbox.p2pChatFor(o).chatId)];
      for (const chatId of chats) expect(busiestSecond(log, chatId), chatId).toBeLessThanOrEqual(5);
      expect(busiestSecond(log, "oc_amr")).toBeGreaterThanOrEqual(3); // the group's backlog really was sent at its quota

      for (const s of servers) expect(await s.stop("SIGTERM")).toBe(0);
    } finally {
      for (const s of servers) await s.stop("SIGKILL");
      await db.close();
    }
  }, 600_000);
});
