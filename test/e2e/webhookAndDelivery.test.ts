import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptEvent, signEvent } from "../../bot/sandbox/events";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

const requests = async () => Number((await h.db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

/** A hand-made delivery to the webhook: encrypted with the app's key, signed (or not) as asked. */
async function post(opts: { token?: string; ageSeconds?: number; signature?: string; unsigned?: boolean; text?: string; eventId?: string | null; chatId?: string | null } = {}) {
  const { encryptKey, verificationToken } = h.bot.config;
  const envelope = {
    schema: "2.0",
    header: { ...(opts.eventId === null ? {} : { event_id: opts.eventId ?? `ev_${randomBytes(6).toString("hex")}` }), token: opts.token ?? verificationToken, create_time: String(h.deps.now().getTime()), event_type: "im.message.receive_v1", tenant_key: "sandbox", app_id: h.bot.config.appId },
    event: {
      sender: { sender_id: { open_id: "ou_liuyang" }, sender_type: "user" },
      message: { message_id: "om_x", ...(opts.chatId === null ? {} : { chat_id: opts.chatId ?? h.sandbox.p2pChatFor("ou_liuyang").chatId }), chat_type: "p2p", message_type: "text", content: JSON.stringify({ text: opts.text ?? "/发起 @市监局 核查营业执照" }), mentions: [] },
    },
  };
  const body = JSON.stringify({ encrypt: encryptEvent(JSON.stringify(envelope), encryptKey!) });
  const ts = String(Math.floor(h.deps.now().getTime() / 1000) - (opts.ageSeconds ?? 0));
  const nonce = "n1";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!opts.unsigned) {
    headers["x-lark-request-timestamp"] = ts;
    headers["x-lark-request-nonce"] = nonce;
    headers["x-lark-signature"] = opts.signature ?? signEvent(ts, nonce, encryptKey!, body);
  }
  return fetch(`${h.base}/lark/events`, { method: "POST", headers, body });
}

describe("the webhook only believes the platform", () => {
  it("answers the URL check", async () => {
    expect(await h.sandbox.verifyUrl()).toBe(true);
  });

  it("accepts a correctly signed, fresh event", async () => {
    const before = await requests();
    expect((await post()).status).toBe(200);
    await h.flush();
    expect(await requests()).toBe(before + 1);
  });

  it("refuses a forged signature, a stale timestamp, a wrong token and missing signature headers — and does nothing", async () => {
    const before = await requests();
    expect((await post({ signature: "0".repeat(64) })).status).toBe(401);
    expect((await post({ ageSeconds: 6 * 60 })).status).toBe(401);
    expect((await post({ token: "not-the-token" })).status).toBe(401);
    expect((await post({ unsigned: true })).status).toBe(401);
    expect(await requests()).toBe(before);
  });

  it("a redelivered event changes nothing and is answered 200", async () => {
    const before = await requests();
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @税务局 请出具某企业完税证明" });
    await h.flush();
    const replies = shown(h.sandbox, { receiveId: "ou_liuyang" }).length;
    const again = await h.sandbox.redeliverLast();
    expect(again.status).toBe(200);
    await h.flush();
    expect(await requests()).toBe(before + 1);
    expect(shown(h.sandbox, { receiveId: "ou_liuyang" })).toHaveLength(replies);
  });

  it("when the bot cannot be reached, the platform redelivers and the event is handled once", async () => {
    const before = await requests();
    h.sandbox.setEventUrl(`${h.base}/lark/nowhere`);
    const first = await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @公安局 核查某人户籍" });
    expect(first.delivery.status).toBe(404);
    h.sandbox.setEventUrl(`${h.base}/lark/events`);
    await new Promise((r) => setTimeout(r, 700)); // the first redelivery is due after 300 ms
    await h.flush();
    expect(await requests()).toBe(before + 1);
  });
});

describe("events that used to be lost or doubled", () => {
  const botSaid = (openId: string) =>
    h.sandbox
      .messages({ receiveId: openId })
      .filter((m) => m.sender.sender_type === "app")
      .map((m) => String(JSON.parse(m.content).text ?? ""));

  it("an event without header.event_id is refused with a clear answer, and nothing happens", async () => {
    const before = await requests();
    const res = await post({ eventId: null, text: "/发起 @市监局 核查某超市营业执照" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^事件缺少 header\.event_id，无法去重，已拒绝。正确示例：/);
    await h.flush();
    expect(await requests()).toBe(before);
  });

  it("an event without chat_id, delivered three times, creates one request and its sender is told once", async () => {
    const before = await requests();
    const said = botSaid("ou_liuyang").length;
    const eventId = `ev_${randomBytes(6).toString("hex")}`;
    for (let i = 0; i < 3; i++) {
      expect((await post({ eventId, chatId: null, text: "/发起 @市监局 核查某药店营业执照" })).status).toBe(200);
      await h.flush();
    }
    expect(await requests()).toBe(before + 1);
    expect(botSaid("ou_liuyang").slice(said)).toEqual([expect.stringMatching(/^已发起协同事项 XT-2026-\d{6}：核查某药店营业执照/)]);
  });

  it("a redelivered card click answers the same and acts once", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某餐馆营业执照" });
    await h.flush();
    const message = h.sandbox.messages({ chatId: "oc_city_amr" }).filter((m) => m.msg_type === "interactive").at(-1)!;
    const taskId = Number(/"taskId":(\d+)/.exec(message.content)![1]);
    const first = await h.sandbox.clickCard({ openId: "ou_zhangwei", messageId: message.message_id, value: { a: "accept", taskId } });
    expect(first.body.toast).toEqual({ type: "success", content: "已签收" });
    const again = await h.sandbox.redeliverLast();
    expect(again).toEqual(first);
    const accepted = await h.db.kysely.selectFrom("auditEvents").select("seq").where("taskId", "=", taskId).where("action", "=", "accept").execute();
    expect(accepted).toHaveLength(1);
    await h.flush(); // the requester's notice of the acceptance, before the next test counts messages
  });

  it("a body over 1 MB is refused before it is read", async () => {
    const res = await fetch(`${h.base}/lark/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ encrypt: "x".repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toBe("事件内容过大：不能超过 1 MB，飞书的事件通常只有几 KB。");
  });
});

describe("outgoing messages survive a failing platform", () => {
  const newest = (chatId: string) => h.sandbox.messages({ chatId }).filter((m) => m.sender.sender_type === "app");

  for (const failure of [
    { status: 429 as const, count: 3, rateLimitResetSeconds: 2 },
    { status: 500 as const, count: 3 },
    { status: "timeout" as const, count: 2 },
  ]) {
    it(`delivers every message exactly once through ${failure.status}s`, async () => {
      const groupBefore = newest("oc_city_psb").length;
      const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
      const p2pBefore = newest(p2p).length;
      h.sandbox.failSends(failure);
      const sentAt = h.deps.now();
      await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @公安局 核查某人户籍信息" });
      // Let time pass as the platform and our backoff ask, until nothing is left to send.
      for (let i = 0; i < 12; i++) {
        await h.flush();
        const pending = await h.db.kysely.selectFrom("outbox").select("id").where("deliveredAt", "is", null).where("parkedAt", "is", null).execute();
        if (pending.length === 0) break;
        h.advanceHours(0.05);
        // A 429 holds the whole app for its reset time, in real time: the quotas keep the platform's clock.
        await new Promise((r) => setTimeout(r, 300));
      }
      const pending = await h.db.kysely.selectFrom("outbox").select(["topic", "lastError"]).where("deliveredAt", "is", null).execute();
      expect(pending).toEqual([]);
      expect(newest("oc_city_psb").length - groupBefore).toBe(1); // the announcement card, once
      expect(newest(p2p).length - p2pBefore).toBe(1); // the reply, once
      // A 429 is a wait the platform asked for; a 500 or a timeout is a real failure. Neither parked anything.
      const counted = failure.status === 429 ? "waits" : "attempts";
      const retried = await h.db.kysely.selectFrom("outbox").select("id").where(counted, ">", 0).where("deliveredAt", ">=", sentAt).execute();
      expect(retried.length).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe("parked messages", () => {
  it("an admin sees a message the platform refused and sends it again once the cause is fixed", async () => {
    const { issueApiToken } = await import("../../src/db/repositories/apiTokens");
    const { token } = await issueApiToken(h.db.kysely, { name: "运维", role: "admin" });
    const auth = { authorization: `Bearer ${token}` };
    // A department work group the bot was never added to.
    await h.db.kysely.updateTable("departments").set({ chatId: "oc_no_bot_here" }).where("code", "=", "city-nrp").execute();
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @规划局 核查某地块规划许可" });
    await h.flush();
    const list = await (await fetch(`${h.base}/api/admin/outbox/parked`, { headers: auth })).json();
    const parked = list.items.find((i: any) => i.recipient.id === "oc_no_bot_here");
    expect(parked).toMatchObject({ topic: "task.announced", lastError: "230002 Bot/User can NOT be out of the chat." });
    // The admin adds the bot to the group, then retries.
    h.sandbox.addChat({ chatId: "oc_no_bot_here", name: "规划局工作群", type: "group", members: ["ou_yangfan"] });
    const retried = await fetch(`${h.base}/api/admin/outbox/${parked.id}/retry`, { method: "POST", headers: auth });
    expect(retried.status).toBe(200);
    await h.flush();
    expect(shown(h.sandbox, { chatId: "oc_no_bot_here" })).toEqual([expect.stringMatching(/^\[卡片\] XT-2026-\d{6} 核查某地块规划许可$/)]);
    expect((await fetch(`${h.base}/api/admin/outbox/999999/retry`, { method: "POST", headers: auth })).status).toBe(404);
  });

  it("parking says why; after an outage an admin sends every parked message again at once, and that is on record", async () => {
    const { issueApiToken } = await import("../../src/db/repositories/apiTokens");
    const { token } = await issueApiToken(h.db.kysely, { name: "运维", role: "admin" });
    const auth = { authorization: `Bearer ${token}` };
    // Two work groups the bot is not in yet.
    await h.db.kysely.updateTable("departments").set({ chatId: "oc_tax_new" }).where("code", "=", "city-tax").execute();
    await h.db.kysely.updateTable("departments").set({ chatId: "oc_hrss_new" }).where("code", "=", "city-hrss").execute();
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @税务局 @人社局 核查某企业纳税与社保缴纳情况" });
    await h.flush();
    const list = await (await fetch(`${h.base}/api/admin/outbox/parked`, { headers: auth })).json();
    const mine = list.items.filter((i: any) => ["oc_tax_new", "oc_hrss_new"].includes(i.recipient.id));
    expect(mine.map((i: any) => [i.recipient.id, i.parkReason, i.attempts, i.waits]).sort()).toEqual([
      ["oc_hrss_new", "平台拒收，重试也不会成功，已停止发送：230002 Bot/User can NOT be out of the chat.", 1, 0],
      ["oc_tax_new", "平台拒收，重试也不会成功，已停止发送：230002 Bot/User can NOT be out of the chat.", 1, 0],
    ]);
    h.sandbox.addChat({ chatId: "oc_tax_new", name: "税务局工作群", type: "group", members: [] });
    h.sandbox.addChat({ chatId: "oc_hrss_new", name: "人社局工作群", type: "group", members: [] });
    const res = await fetch(`${h.base}/api/admin/outbox/parked/retry`, { method: "POST", headers: auth });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.retried).toBe(list.items.length);
    expect(body.ids).toEqual(expect.arrayContaining(mine.map((i: any) => i.id)));
    await h.flush();
    expect(shown(h.sandbox, { chatId: "oc_tax_new" })).toEqual([expect.stringMatching(/^\[卡片\] XT-2026-\d{6} 核查某企业纳税与社保缴纳情况$/)]);
    expect(shown(h.sandbox, { chatId: "oc_hrss_new" })).toEqual([expect.stringMatching(/^\[卡片\] XT-2026-\d{6} 核查某企业纳税与社保缴纳情况$/)]);
    const audit = await h.db.kysely.selectFrom("auditEvents").select(["action", "actorName", "data"]).where("chain", "=", "outbox").orderBy("seq", "desc").executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: "outbox.retry_all", actorName: "运维", data: { ids: body.ids } });
    expect(await (await fetch(`${h.base}/api/admin/outbox/parked/retry`, { method: "POST", headers: auth })).json()).toEqual({ retried: 0, ids: [] });
  });
});
