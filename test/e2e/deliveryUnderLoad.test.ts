import * as lark from "@larksuiteoapi/node-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLarkSender } from "../../bot/lark/sender";
import type { SendRecord } from "../../bot/sandbox";
import type { Deps } from "../../src/commands/context";
import { createDb } from "../../src/db/client";
import { enqueueMessages, type OutgoingMessage } from "../../src/db/repositories/outbox";
import { createDeliveryLoop } from "../../src/jobs/deliveryLoop";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { drain, virtualSleep } from "../support/virtualTime";

// Outgoing messages under the platform's rate limits and outages, through the real SDK, bot/lark/sender.ts and
// the sandbox platform. Time is the harness clock: sleeps move it, so ten minutes of outage take no real time.

let h: BotHarness;
const sleep = virtualSleep(() => h);
const clock = () => h.deps.now().getTime();
beforeAll(async () => {
  // Two workers below share the quotas and the app's 10 lanes, 5 each (as two server processes configured so).
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { delivery: { sleep, clock, concurrency: 5 } });
});
afterAll(() => h.close());

const T = () => h.deps.now().getTime();

/** A department card, texts after it, then a patch of the card, then more texts: what a busy work group gets. */
function chatTraffic(chatId: string, texts: number): OutgoingMessage[] {
  const cardKey = `task:${chatId}:inbound`;
  const card = (topic: string, note: string) => ({
    topic,
    to: { type: "chat_id" as const, id: chatId },
    cardKey,
    payload: {
      number: `XT-2026-${chatId.slice(-3)}`,
      title: `核查事项 ${chatId}`,
      priorityLabel: "普通",
      state: "pending_accept",
      stateLabel: "待签收",
      dueAt: "2026-11-30T09:30:00.000Z",
      fromDepartmentName: "滨江区",
      requesterName: "刘洋",
      departmentName: "公安局",
      text: note,
    },
  });
  const text = (i: number) => ({ topic: "bot.reply", to: { type: "chat_id" as const, id: chatId }, payload: { reply: { text: `${chatId} 第 ${i} 条` } } });
  const half = Math.floor(texts / 2);
  return [
    card("task.announced", "新事项"),
    ...Array.from({ length: half }, (_, i) => text(i + 1)),
    card("task.card", "已签收"),
    ...Array.from({ length: texts - half }, (_, i) => text(half + i + 1)),
  ];
}

function addChats(ids: string[]) {
  for (const chatId of ids) h.sandbox.addChat({ chatId, name: chatId, type: "group", members: ["ou_liuyang"] });
}

/** What each chat must have received, in order: uuids of the new messages, "patch" where the card is updated. */
async function expectedOrder(chatId: string): Promise<string[]> {
  const rows = await h.db.kysely.selectFrom("outbox").select(["uuid", "topic"]).where("recipientId", "=", chatId).orderBy("id").execute();
  return rows.map((r) => (r.topic === "task.card" ? "patch" : r.uuid));
}

/** What the platform got for a chat, answered successfully, in the order it got it. */
function receivedOrder(log: SendRecord[], chatId: string): string[] {
  return log.filter((r) => r.chatId === chatId && r.status === 200).map((r) => (r.kind === "patch" ? "patch" : r.uuid!));
}

/** The most sends one chat got within any one second, as the platform counts them. */
function busiestSecond(log: SendRecord[], chatId: string): number {
  const times = log.filter((r) => r.chatId === chatId).map((r) => r.at);
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - 1000 && u <= t).length));
}

async function pendingOrParked() {
  return h.db.kysely.selectFrom("outbox").select(["id", "parkReason"]).where("deliveredAt", "is", null).execute();
}

describe("delivery through rate limits and outages", () => {
  it("429 for a minute, then 500 for ten minutes: nothing parked, every message delivered once, in order", async () => {
    const chats = ["oc_outage_a", "oc_outage_b", "oc_outage_c"];
    addChats(chats);
    const start = T();
    await enqueueMessages(h.db.kysely, chats.flatMap((c) => chatTraffic(c, 6)), h.deps.now());
    await enqueueMessages(
      h.db.kysely,
      [1, 2, 3].map((i) => ({ topic: "bot.reply", to: { type: "open_id" as const, id: "ou_liuyang" }, payload: { reply: { text: `私聊第 ${i} 条` } } })),
      h.deps.now(),
    );
    h.sandbox.failDuring({ status: 429, from: start, until: start + 60_000, rateLimitResetSeconds: 1 });
    h.sandbox.failDuring({ status: 500, from: start + 60_000, until: start + 660_000 });
    const logFrom = h.sandbox.sendLog().length;

    await drain(h, () => h.bot.kick());

    expect(await pendingOrParked()).toEqual([]);
    const log = h.sandbox.sendLog().slice(logFrom);
    // The platform really was down: sends were refused with 429 and with 500, and succeeded only afterwards.
    expect(log.some((r) => r.status === 429)).toBe(true);
    expect(log.some((r) => r.status === 500)).toBe(true);
    expect(Math.min(...log.filter((r) => r.status === 200).map((r) => r.at))).toBeGreaterThanOrEqual(start + 660_000);
    for (const chatId of chats) {
      expect(receivedOrder(log, chatId)).toEqual(await expectedOrder(chatId));
      const shown = h.sandbox.messages({ chatId }).filter((m) => m.sender.sender_type === "app");
      expect(shown).toHaveLength(7); // the card once, six texts once
      expect(shown[0]!.content).toContain("已签收"); // the card was patched
    }
    const p2p = h.sandbox.messages({ receiveId: "ou_liuyang" }).map((m) => JSON.parse(m.content).text);
    expect(p2p.filter((t) => String(t).startsWith("私聊第"))).toEqual(["私聊第 1 条", "私聊第 2 条", "私聊第 3 条"]);
    // 429s were waits, 500s real failures; neither parked anything.
    const rows = await h.db.kysely.selectFrom("outbox").select(["attempts", "waits"]).where("createdAt", ">=", new Date(start)).execute();
    expect(rows.some((r) => r.waits > 0)).toBe(true);
    expect(Math.max(...rows.map((r) => r.attempts))).toBeGreaterThan(8);
  }, 120_000);
});

describe("two delivery workers on one database", () => {
  let second: { deps: Deps; close(): Promise<void> };
  beforeAll(async () => {
    // A second server process: its own connections (on PostgreSQL), its own SDK client and token.
    const url = process.env.TEST_DATABASE_URL;
    if (url && h.db.kind === "postgres") {
      const db = await createDb({ databaseUrl: url, schema: h.db.schema, poolSize: 5 });
      second = { deps: { ...h.deps, db }, close: () => db.close() };
    } else {
      second = { deps: h.deps, close: async () => undefined };
    }
  });
  afterAll(() => second.close());

  it("keep each chat within 5 sends a second and in order, and a busy chat does not hold back the others", async () => {
    const hot = "oc_hot";
    const others = Array.from({ length: 14 }, (_, i) => `oc_quiet_${i}`);
    addChats([hot, ...others]);
    // The busy chat's backlog is queued first: the quiet chats' messages wait behind it in the queue.
    await enqueueMessages(h.db.kysely, chatTraffic(hot, 38), h.deps.now());
    await enqueueMessages(h.db.kysely, others.flatMap((c) => chatTraffic(c, 1)), h.deps.now());
    const client = new lark.Client({ appId: h.bot.config.appId, appSecret: h.bot.config.appSecret, domain: h.base, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error });
    const sender = createLarkSender(second.deps, client, { clear: () => undefined });
    let sentBySecond = 0;
    const loop = createDeliveryLoop(second.deps, { send: (m) => (sentBySecond++, sender.send(m)) }, { sleep, clock, concurrency: 5 });
    const logFrom = h.sandbox.sendLog().length;

    await drain(h, () => Promise.all([h.bot.kick(), loop.kick()]));
    await loop.stop();

    expect(await pendingOrParked()).toEqual([]);
    const log = h.sandbox.sendLog().slice(logFrom);
    expect(sentBySecond).toBeGreaterThan(0);
    expect(log.length - sentBySecond).toBeGreaterThan(0);
    for (const chatId of [hot, ...others]) {
      expect(busiestSecond(log, chatId), chatId).toBeLessThanOrEqual(5);
      expect(receivedOrder(log, chatId), chatId).toEqual(await expectedOrder(chatId));
    }
    expect(busiestSecond(log, hot)).toBeGreaterThanOrEqual(4); // and it did go at its quota
    // Every quiet chat had all of its messages before the busy chat was halfway through its 38, queued before
    // theirs (behind it they would come after its 38th). Its tenth, 1.8 s in at 5/s, was once missed by 0.4 s on
    // a loaded 2-core machine with the quiet chats well ahead of the busy chat's backlog.
    const hotTwentieth = log.filter((r) => r.chatId === hot)[19]!.at;
    const quietLast = Math.max(...log.filter((r) => others.includes(r.chatId ?? "")).map((r) => r.at));
    expect(quietLast).toBeLessThan(hotTwentieth);
  }, 120_000);

  it("with the platform's quotas enforced, a backlog behind one hot chat: the other chats are not held back, nothing is refused, no chat goes over 5 a second", async () => {
    h.sandbox.limitRates({ perChat: 5, perApp: 50 });
    try {
      const hot = "oc_quota_hot";
      const others = Array.from({ length: 40 }, (_, i) => `oc_quota_${i}`);
      addChats([hot, ...others]);
      const text = (chatId: string, i: number) => ({ topic: "bot.reply", to: { type: "chat_id" as const, id: chatId }, payload: { reply: { text: `${chatId} 第 ${i} 条` } } });
      // The hot chat's 80 messages first, then 5 for each of 40 other chats: 280 in all.
      await enqueueMessages(h.db.kysely, Array.from({ length: 80 }, (_, i) => text(hot, i + 1)), h.deps.now());
      await enqueueMessages(h.db.kysely, others.flatMap((c) => [1, 2, 3, 4, 5].map((i) => text(c, i))), h.deps.now());
      const client = new lark.Client({ appId: h.bot.config.appId, appSecret: h.bot.config.appSecret, domain: h.base, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error });
      const sender = createLarkSender(second.deps, client, { clear: () => undefined });
      const loop = createDeliveryLoop(second.deps, sender, { sleep, clock, concurrency: 5 });
      const logFrom = h.sandbox.sendLog().length;

      await drain(h, () => Promise.all([h.bot.kick(), loop.kick()]));
      await loop.stop();

      expect(await pendingOrParked()).toEqual([]);
      const log = h.sandbox.sendLog().slice(logFrom);
      // The platform never had to turn a send away: the pacing kept within both quotas.
      expect(log.filter((r) => r.status !== 200)).toEqual([]);
      expect(log).toHaveLength(280);
      const last = (chats: string[]) => Math.max(...log.filter((r) => chats.includes(r.chatId ?? "")).map((r) => r.at));
      // How fast is for the bench (test/bench/RESULTS-delivery.md: 46.9-47.0 sends/s steady, the hot chat at
      // 4.62/s, in real time). Here the virtual sleeps move the platform's clock whenever no worker has gone to sleep
      // for 5 ms, so database work that takes longer counts as time passing, and a rate read off that clock falls
      // with the machine's load (43-44/s quiet, 23-37/s in CI runs): not a figure a test can hold.
      // The other chats were not held back behind the hot one: all 200 were sent before its backlog ran out.
      expect(last(others)).toBeLessThan(last([hot]));
      for (const chatId of [hot, ...others]) {
        expect(busiestSecond(log, chatId), chatId).toBeLessThanOrEqual(5);
        expect(receivedOrder(log, chatId), chatId).toEqual(await expectedOrder(chatId));
      }
      const times = log.map((r) => r.at);
      expect(Math.max(...times.map((t) => times.filter((u) => u > t - 1000 && u <= t).length))).toBeLessThanOrEqual(50);
    } finally {
      h.sandbox.limitRates(null);
    }
  }, 180_000);
});

describe("the sandbox platform's send quotas", () => {
  it("answers 230020 to a sixth send to one chat within a second and 429 past the app's quota; the sender waits, nothing is lost", async () => {
    // A fresh second of the platform's clock: the sends of the tests before are out of its window.
    h.setNow(new Date(T() + 5000).toISOString());
    h.sandbox.limitRates({ perChat: 5, perApp: 8 });
    try {
      addChats(["oc_limit_a", "oc_limit_b"]);
      const client = new lark.Client({ appId: h.bot.config.appId, appSecret: h.bot.config.appSecret, domain: h.base, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error });
      const sender = createLarkSender(h.deps, client, { clear: () => undefined });
      // Queued as due only in 2100, so that no delivery loop of the harness sends them meanwhile: this test sends them itself.
      await enqueueMessages(h.db.kysely, [...Array.from({ length: 6 }, (_, i) => ({ topic: "bot.reply", to: { type: "chat_id" as const, id: "oc_limit_a" }, payload: { reply: { text: `a ${i}` } } })), ...Array.from({ length: 4 }, (_, i) => ({ topic: "bot.reply", to: { type: "chat_id" as const, id: "oc_limit_b" }, payload: { reply: { text: `b ${i}` } } }))], new Date("2100-01-01T00:00:00Z"));
      const rows = await h.db.kysely.selectFrom("outbox").selectAll().where("recipientId", "in", ["oc_limit_a", "oc_limit_b"]).orderBy("id").execute();
      // Sent straight through the sender at one instant of the platform's clock, with no pacing at all.
      const outcomes = [];
      for (const m of rows) outcomes.push(await sender.send(m));
      expect(outcomes.slice(0, 5).every((o) => o.ok)).toBe(true);
      expect(outcomes[5]).toMatchObject({ ok: false, wait: "recipient" });
      // The sixth to one chat was turned away (and not counted): the app's 8 are five to one chat and three to the other.
      expect(outcomes.slice(6, 9).every((o) => o.ok)).toBe(true);
      expect(outcomes[9]).toMatchObject({ ok: false, wait: "app", retryAfterMs: 1000 });
      expect(h.sandbox.messages({ chatId: "oc_limit_a" }).filter((m) => m.sender.sender_type === "app")).toHaveLength(5);
      // A second later both quotas have room again.
      h.setNow(new Date(T() + 1000).toISOString());
      expect(await sender.send(rows[5]!)).toMatchObject({ ok: true });
      await h.db.kysely.deleteFrom("outbox").where("recipientId", "in", ["oc_limit_a", "oc_limit_b"]).execute();
    } finally {
      h.sandbox.limitRates(null);
    }
  });
});
