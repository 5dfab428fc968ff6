import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import type { OutboxRow } from "../../src/db/tables";
import { deliverOutbox, listParked, retryParked, SendLimiter, type MessageSender, type SendOutcome } from "../../src/jobs/outboxDelivery";
import { createHarness, type Harness } from "../support/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

/** A platform that answers from a script, then succeeds; records every attempt with its uuid. */
function scriptedPlatform(script: SendOutcome[] = []): MessageSender & { attempts: Array<{ uuid: string; to: string }>; shown: Set<string> } {
  const attempts: Array<{ uuid: string; to: string }> = [];
  const shown = new Set<string>();
  return {
    attempts,
    shown,
    async send(m: OutboxRow) {
      attempts.push({ uuid: m.uuid, to: m.recipientId });
      const next = script.shift();
      if (next) return next;
      shown.add(m.uuid); // the platform de-duplicates by uuid
      return { ok: true, platformMessageId: `om_${m.id}` };
    },
  };
}
const noWait = () => new SendLimiter(1000, 1000);
const queue = (n: number, to = "oc_amr") =>
  enqueueMessages(
    h.db.kysely,
    Array.from({ length: n }, (_, i) => ({ topic: "task.announced", to: { type: "chat_id" as const, id: to }, payload: { i } })),
    h.deps.now(),
  );

describe("outbox delivery", () => {
  it("delivers, and retries rate-limited and failed sends later with the same uuid", async () => {
    await queue(1, "oc_retry");
    const platform = scriptedPlatform([
      { ok: false, retryable: true, error: "429 99991400", retryAfterMs: 2000 },
      { ok: false, retryable: true, error: "500" },
    ]);
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toEqual({ delivered: 0, retried: 1, parked: 0 });
    // Not due yet: the platform asked us to wait 2 s.
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toEqual({ delivered: 0, retried: 0, parked: 0 });
    h.advanceHours(1 / 1200); // 3 s
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toEqual({ delivered: 0, retried: 1, parked: 0 });
    h.advanceHours(1 / 360); // 10 s
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toEqual({ delivered: 1, retried: 0, parked: 0 });
    expect(new Set(platform.attempts.map((a) => a.uuid)).size).toBe(1);
    expect(platform.shown.size).toBe(1);
    const row = await h.db.kysely.selectFrom("outbox").selectAll().where("recipientId", "=", "oc_retry").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 3, platformMessageId: `om_${row.id}`, lastError: null });
    expect(row.deliveredAt).not.toBeNull();
  });

  it("parks a message the platform refuses for good, and an admin can put it back", async () => {
    await queue(1, "oc_nobot");
    const platform = scriptedPlatform([{ ok: false, retryable: false, error: "230002 bot not in chat" }]);
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toMatchObject({ parked: 1 });
    const parked = await listParked(h.deps);
    expect(parked.map((p) => [p.recipientId, p.lastError])).toEqual([["oc_nobot", "230002 bot not in chat"]]);
    expect(await retryParked(h.deps, parked[0]!.id)).toBe(true);
    expect(await deliverOutbox(h.deps, platform, { limiter: noWait() })).toMatchObject({ delivered: 1 });
  });

  it("parks after too many retryable failures", async () => {
    await queue(1, "oc_flaky");
    const platform = scriptedPlatform(Array.from({ length: 3 }, () => ({ ok: false as const, retryable: true, error: "timeout" })));
    for (let i = 0; i < 3; i++) {
      await deliverOutbox(h.deps, platform, { limiter: noWait(), maxAttempts: 3 });
      h.advanceHours(1);
    }
    const row = await h.db.kysely.selectFrom("outbox").selectAll().where("recipientId", "=", "oc_flaky").executeTakeFirstOrThrow();
    expect(row.parkedAt).not.toBeNull();
    expect(row.attempts).toBe(3);
  });

  it("two workers at once never send the same message twice", async () => {
    await queue(40, "oc_busy");
    const platform = scriptedPlatform();
    const [a, b] = await Promise.all([
      deliverOutbox(h.deps, platform, { limiter: noWait(), batchSize: 25 }),
      deliverOutbox(h.deps, platform, { limiter: noWait(), batchSize: 25 }),
    ]);
    const rest = await deliverOutbox(h.deps, platform, { limiter: noWait() });
    expect(a.delivered + b.delivered + rest.delivered).toBe(40);
    const busy = platform.attempts.filter((x) => x.to === "oc_busy");
    expect(busy).toHaveLength(40);
    expect(new Set(busy.map((x) => x.uuid)).size).toBe(40);
  });
});

describe("send limiter", () => {
  it("keeps a chat at its per-second limit and the app at its own", async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new SendLimiter(6, 2, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    for (let i = 0; i < 3; i++) await limiter.wait("oc_a");
    expect(slept).toEqual([1000]); // the third send to one chat waits a second
    for (let i = 0; i < 4; i++) await limiter.wait(`oc_${i}`);
    expect(now).toBeGreaterThanOrEqual(1000);
  });
});
