import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/commands/context";
import { parkedMessageRetrier } from "../../src/commands/parkedMessageRetrier";
import { enqueueMessages, listParked } from "../../src/db/repositories/outbox";
import type { OutboxRow } from "../../src/db/tables";
import { leaseDueRecipients, MAX_VISITS, releaseLease, type RecipientKey } from "../../src/db/repositories/sendQuotas";
import { deliverOutbox, MAX_WINDOWS_PER_FILL, type DeliveryOptions, type MessageSender, type SendOutcome } from "../../src/jobs/outboxDelivery";
import { ADMIN, createHarness, type Harness } from "../support/harness";
import { drain, virtualSleep } from "../support/virtualTime";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

/** A platform that answers from a script (a function of the attempt), then succeeds; records every attempt. */
function scriptedPlatform(script: (n: number, m: OutboxRow) => SendOutcome | null = () => null) {
  const attempts: Array<{ uuid: string; to: string; at: number }> = [];
  const shown = new Set<string>();
  const platform: MessageSender = {
    async send(m: OutboxRow) {
      attempts.push({ uuid: m.uuid, to: m.recipientId, at: h.deps.now().getTime() });
      const next = script(attempts.length, m);
      if (next) return next;
      shown.add(m.uuid); // the platform de-duplicates by uuid
      return { ok: true, platformMessageId: `om_${m.id}` };
    },
  };
  return Object.assign(platform, { attempts, shown });
}
// The quotas' clock is the harness clock, moved by the sleep: no real waiting.
const opts: DeliveryOptions = { sleep: virtualSleep(() => h), clock: () => h.deps.now().getTime() };
const queue = (n: number, to = "oc_amr") =>
  enqueueMessages(
    h.db.kysely,
    Array.from({ length: n }, (_, i) => ({ topic: "task.announced", to: { type: "chat_id" as const, id: to }, payload: { i } })),
    h.deps.now(),
  );
const rowsTo = (to: string) => h.db.kysely.selectFrom("outbox").selectAll().where("recipientId", "=", to).orderBy("id").execute();
const rateLimited: SendOutcome = { ok: false, wait: "app", error: "429 限流 99991400", retryAfterMs: 1000 };
const serverError: SendOutcome = { ok: false, retryable: true, error: "500 internal error" };

describe("outbox delivery", () => {
  it("delivers, and retries rate-limited and failed sends later with the same uuid", async () => {
    await queue(1, "oc_retry");
    const platform = scriptedPlatform((n) => [{ ...rateLimited, retryAfterMs: 2000 }, serverError][n - 1] ?? null);
    expect(await deliverOutbox(h.deps, platform, opts)).toEqual({ delivered: 0, retried: 0, waited: 1, parked: 0 });
    // Not due yet: the platform asked us to wait 2 s.
    expect(await deliverOutbox(h.deps, platform, opts)).toEqual({ delivered: 0, retried: 0, waited: 0, parked: 0 });
    h.advanceHours(1 / 1200); // 3 s
    expect(await deliverOutbox(h.deps, platform, opts)).toEqual({ delivered: 0, retried: 1, waited: 0, parked: 0 });
    h.advanceHours(1 / 360); // 10 s
    expect(await deliverOutbox(h.deps, platform, opts)).toEqual({ delivered: 1, retried: 0, waited: 0, parked: 0 });
    expect(new Set(platform.attempts.map((a) => a.uuid)).size).toBe(1);
    expect(platform.shown.size).toBe(1);
    const [row] = await rowsTo("oc_retry");
    expect(row).toMatchObject({ attempts: 1, waits: 1, platformMessageId: `om_${row!.id}`, lastError: null, parkedAt: null });
    expect(row!.deliveredAt).not.toBeNull();
  });

  it("a rate limit however long only makes messages wait: none is parked, none counts a failure", async () => {
    await queue(3, "oc_throttled");
    const start = h.deps.now().getTime();
    // The platform answers 429 for two minutes, asking each time to come back in a second.
    const platform = scriptedPlatform(() => (h.deps.now().getTime() < start + 120_000 ? rateLimited : null));
    await drain(h, () => deliverOutbox(h.deps, platform, opts));
    const rows = await rowsTo("oc_throttled");
    expect(rows.map((r) => [r.attempts, r.parkedAt, r.deliveredAt === null])).toEqual([
      [0, null, false],
      [0, null, false],
      [0, null, false],
    ]);
    expect(rows[0]!.waits).toBeGreaterThan(100);
    expect(platform.shown.size).toBe(3);
  });

  it("parks a message only after a day of real failures, and says why", async () => {
    await queue(1, "oc_down");
    const start = h.deps.now().getTime();
    const platform = scriptedPlatform(() => serverError);
    // Three hours of 500s: retried again and again, never parked.
    while (h.deps.now().getTime() < start + 3 * 3600_000) {
      await deliverOutbox(h.deps, platform, opts);
      h.advanceHours(0.25);
    }
    let [row] = await rowsTo("oc_down");
    expect(row!.attempts).toBeGreaterThan(8);
    expect(row).toMatchObject({ parkedAt: null, parkReason: null, lastError: "500 internal error" });
    h.setNow(new Date(start + 24 * 3600_000 + 60_000).toISOString());
    await deliverOutbox(h.deps, platform, opts);
    [row] = await rowsTo("oc_down");
    expect(row!.parkedAt).not.toBeNull();
    expect(row!.parkReason).toBe(`连续 24 小时发送失败（共 ${row!.attempts} 次），已停止发送；最后一次：500 internal error`);
    expect(new Date(row!.firstFailedAt!).getTime() - start).toBeLessThan(1000); // the first try, three hours before
  });

  it("parks at once what the platform refuses for good; an admin puts every parked message back at once, audited", async () => {
    await queue(2, "oc_nobot");
    const refusing = scriptedPlatform((_n, m) => (m.recipientId === "oc_nobot" ? { ok: false, retryable: false, error: "230002 Bot/User can NOT be out of the chat." } : null));
    expect(await deliverOutbox(h.deps, refusing, opts)).toMatchObject({ parked: 2 });
    const parked = await listParked(h.db.kysely);
    expect(parked.filter((p) => p.recipientId === "oc_nobot").map((p) => p.parkReason)).toEqual([
      "平台拒收，重试也不会成功，已停止发送：230002 Bot/User can NOT be out of the chat.",
      "平台拒收，重试也不会成功，已停止发送：230002 Bot/User can NOT be out of the chat.",
    ]);
    const all = parked.map((p) => p.id).sort((a, b) => a - b);
    expect(await runCommand(h.deps, ADMIN, parkedMessageRetrier, "all")).toEqual({ retried: all });
    expect(await listParked(h.db.kysely)).toEqual([]);
    const audit = await h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", "outbox").execute();
    expect(audit).toMatchObject([{ action: "outbox.retry_all", actorName: "测试管理员", data: { ids: all } }]);
    // The bot was added to the group: they go out, in their order.
    const fixed = scriptedPlatform();
    await drain(h, () => deliverOutbox(h.deps, fixed, opts));
    expect(fixed.attempts.filter((a) => a.to === "oc_nobot").map((a) => a.uuid)).toEqual((await rowsTo("oc_nobot")).map((r) => r.uuid));
    expect(await runCommand(h.deps, ADMIN, parkedMessageRetrier, "all")).toEqual({ retried: [] });
  });

  it("a failing message holds back the messages behind it to the same chat, not those to other chats", async () => {
    await queue(3, "oc_blocked");
    await queue(2, "oc_free");
    const blocked = await rowsTo("oc_blocked");
    const platform = scriptedPlatform((_n, m) => (m.id === blocked[0]!.id && h.deps.now().getTime() < Date.parse("2026-11-26T00:00:00Z") ? serverError : null));
    await deliverOutbox(h.deps, platform, opts);
    expect(platform.attempts.filter((a) => a.to === "oc_blocked").map((a) => a.uuid)).toEqual([blocked[0]!.uuid]);
    expect(platform.attempts.filter((a) => a.to === "oc_free")).toHaveLength(2);
    h.setNow("2026-11-26T00:00:00Z");
    await drain(h, () => deliverOutbox(h.deps, platform, opts));
    expect([...platform.shown].filter((u) => blocked.some((b) => b.uuid === u))).toEqual(blocked.map((b) => b.uuid));
  });

  it("delivers when the app's quota row is gone", async () => {
    // The row the migration makes; without it every lane once gave its recipient back unsent and leased it again,
    // and on PGlite that loop ran inside this thread for ever (the delivery bench and a CI run hung on it).
    await h.db.kysely.deleteFrom("sendQuotas").where("scope", "=", "app").execute();
    await queue(3, "oc_no_app_row");
    const platform = scriptedPlatform();
    await drain(h, () => deliverOutbox(h.deps, platform, opts), 50);
    expect(platform.attempts.filter((a) => a.to === "oc_no_app_row")).toHaveLength(3);
    expect((await rowsTo("oc_no_app_row")).every((r) => r.deliveredAt !== null)).toBe(true);
    expect(await h.db.kysely.selectFrom("sendQuotas").select("scope").where("scope", "=", "app").execute()).toHaveLength(1);
  });

  it("two workers at once never send the same message twice", async () => {
    await queue(40, "oc_busy");
    for (let i = 0; i < 10; i++) await queue(2, `oc_many_${i}`);
    const platform = scriptedPlatform();
    const a = { delivered: 0 };
    const b = { delivered: 0 };
    await drain(h, async () => {
      // Five recipients at a time each: eleven recipients need both.
      const each = { ...opts, concurrency: 5 };
      const [x, y] = await Promise.all([deliverOutbox(h.deps, platform, each), deliverOutbox(h.deps, platform, each)]);
      a.delivered += x.delivered;
      b.delivered += y.delivered;
    });
    expect(a.delivered + b.delivered).toBe(60);
    expect(a.delivered).toBeGreaterThan(0);
    expect(b.delivered).toBeGreaterThan(0);
    const busy = platform.attempts.filter((x) => x.to === "oc_busy");
    expect(busy.map((x) => x.uuid)).toEqual((await rowsTo("oc_busy")).map((r) => r.uuid));
  });

  it("recipients waiting for a retry, however many, do not hide a due one behind them", async () => {
    // More waiting recipients than one refill looks at, all before the due one in key order.
    const waiting = Array.from({ length: MAX_VISITS + 50 }, (_, i) => `oc_retry_later_${String(i).padStart(3, "0")}`);
    for (const to of waiting) await queue(1, to);
    await h.db.kysely
      .updateTable("outbox")
      .set({ nextAttemptAt: new Date(h.deps.now().getTime() + 3600_000) })
      .where("recipientId", "like", "oc_retry_later_%")
      .execute();
    await queue(2, "oc_zz_due");
    const platform = scriptedPlatform();
    await deliverOutbox(h.deps, platform, opts);
    expect(platform.attempts.map((a) => a.to)).toEqual(["oc_zz_due", "oc_zz_due"]);
    await h.db.kysely.deleteFrom("outbox").where("recipientId", "like", "oc_retry_later_%").execute();
  });

  it("the oldest waiting message goes first, whatever its chat is called; past one window of recipients, windows take turns", async () => {
    const lease = (after: RecipientKey | null) =>
      leaseDueRecipients(h.db, { owner: "w", dueAt: h.deps.now(), now: h.deps.now(), horizonMs: 1000, leaseMs: 20_000, limit: 1, after });
    const giveBack = async (got: Awaited<ReturnType<typeof lease>>) => {
      for (const l of got.leases) await releaseLease(h.db.kysely, l.scope, "w", new Date(0));
      return got;
    };
    await queue(1, "oc_w_zz_queued_first");
    await queue(1, "oc_w_aa_queued_second");
    const first = await giveBack(await lease(null));
    expect(first.leases.map((l) => l.recipientId)).toEqual(["oc_w_zz_queued_first"]);
    expect(first.after).toBeNull(); // the walk reached the last recipient: next time from the first again

    // More recipients than one window: the first window's oldest, then the next window's, then the first again.
    const many = Array.from({ length: MAX_VISITS + 20 }, (_, i) => `oc_w_many_${String(i).padStart(3, "0")}`);
    for (const to of [...many].reverse()) await queue(1, to); // the last in key order queued first
    const one = await giveBack(await lease(null));
    expect(one.after).not.toBeNull();
    const two = await giveBack(await lease(one.after));
    expect(two.after).toBeNull();
    const three = await giveBack(await lease(two.after));
    // window one, in key order: oc_w_aa_…, oc_w_many_000 … _198; its oldest waiting message is oc_w_aa_…'s
    expect(one.leases.map((l) => l.recipientId)).toEqual(["oc_w_aa_queued_second"]);
    // window two: oc_w_many_199 … _219 and oc_w_zz_…, whose message is the oldest of all
    expect(two.leases.map((l) => l.recipientId)).toEqual(["oc_w_zz_queued_first"]);
    expect(three.leases.map((l) => l.recipientId)).toEqual(["oc_w_aa_queued_second"]);
    await drain(h, () => deliverOutbox(h.deps, scriptedPlatform(), opts));
  });

  it("after an outage, with more recipients waiting for a retry than a pass looks at, the next pass goes on where it stopped", async () => {
    const beyond = MAX_VISITS * MAX_WINDOWS_PER_FILL + 50;
    await enqueueMessages(
      h.db.kysely,
      Array.from({ length: beyond }, (_, i) => ({ topic: "task.announced", to: { type: "chat_id" as const, id: `oc_outage_${String(i).padStart(5, "0")}` }, payload: { i } })),
      h.deps.now(),
    );
    await h.db.kysely
      .updateTable("outbox")
      .set({ nextAttemptAt: new Date(h.deps.now().getTime() + 3600_000) })
      .where("recipientId", "like", "oc_outage_%")
      .execute();
    await queue(1, "oc_outage_zz_due"); // last in key order, past what one pass looks at
    const platform = scriptedPlatform();
    // one pass: a bounded number of windows, all waiting for their retry, nothing sent
    await deliverOutbox(h.deps, platform, opts);
    expect(platform.attempts).toEqual([]);
    // the next pass starts where that one stopped, not from the first recipient again
    await deliverOutbox(h.deps, platform, opts);
    expect(platform.attempts.map((a) => a.to)).toEqual(["oc_outage_zz_due"]);
    await h.db.kysely.deleteFrom("outbox").where("recipientId", "like", "oc_outage_%").execute();
  });
});
