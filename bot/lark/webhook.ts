import { createHash, timingSafeEqual } from "node:crypto";
import * as lark from "@larksuiteoapi/node-sdk";
import { Hono } from "hono";
import type { Deps } from "../../src/commands/context";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import type { AppEnv } from "../../src/http/env";
import { handleCardAction, handleMessage, type CardRenderer } from "../core/dispatch";
import { toBotCardAction, toBotMessage } from "./events";

export interface WebhookOptions {
  encryptKey: string | undefined;
  verificationToken: string;
  botName: string;
  renderer: CardRenderer;
  /** called after a reply was queued, to send it right away */
  kick: () => void;
  /** signed requests older than this are refused (replays) */
  maxAgeMs?: number;
}

const FIVE_MINUTES = 5 * 60_000;

/**
 * POST /lark/events: the platform's event subscription. Verifies the signature over the raw body, refuses
 * stale or wrongly-tokened requests, decrypts, de-duplicates on event_id, and answers well within 3 s:
 * chat replies go to the outbox (sent right after), card clicks are answered in the response itself.
 */
export function larkWebhook(opts: WebhookOptions) {
  const cipher = opts.encryptKey ? new lark.AESCipher(opts.encryptKey) : null;
  const maxAge = opts.maxAgeMs ?? FIVE_MINUTES;
  return new Hono<AppEnv>().post("/events", async (c) => {
    const deps = c.get("deps");
    const raw = await c.req.text();
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return c.json({ error: "invalid json" }, 400);
    }
    if (body?.encrypt !== undefined) {
      if (!cipher) return c.json({ error: "encrypted event but no encrypt key configured" }, 400);
      try {
        body = JSON.parse(cipher.decrypt(body.encrypt));
      } catch {
        return c.json({ error: "cannot decrypt" }, 400);
      }
    }
    // The URL check is sent unsigned; it carries the verification token.
    if (body?.type === "url_verification") {
      if (body.token !== opts.verificationToken) return c.json({ error: "bad token" }, 401);
      return c.json({ challenge: body.challenge });
    }
    if (opts.encryptKey) {
      const refusal = checkSignature(c.req.header(), raw, opts.encryptKey, deps.now().getTime(), maxAge);
      if (refusal) return c.json({ error: refusal }, 401);
    }
    if (body?.schema !== "2.0" || !body.header) return c.json({ error: "unsupported event schema" }, 400);
    if (body.header.token !== opts.verificationToken) return c.json({ error: "bad token" }, 401);

    return c.json(await handleVerifiedEvent(deps, opts, String(body.header.event_id), String(body.header.event_type), body.event));
  });
}

/**
 * A verified event, from the webhook or the long connection: handled once per event_id (the platform
 * delivers at least once), and forgotten again if handling fails so that its redelivery is processed.
 */
export async function handleVerifiedEvent(deps: Deps, opts: Pick<WebhookOptions, "botName" | "renderer" | "kick">, eventId: string, type: string, event: any) {
  const fresh = await deps.db.kysely
    .insertInto("inboundEvents")
    .values({ eventId, eventType: type })
    .onConflict((oc) => oc.column("eventId").doNothing())
    .returning("eventId")
    .executeTakeFirst();
  if (!fresh) return {}; // a redelivery: already handled, change nothing
  try {
    return await dispatch(deps, opts, eventId, type, event);
  } catch (err) {
    await deps.db.kysely.deleteFrom("inboundEvents").where("eventId", "=", eventId).execute();
    throw err;
  }
}

/** Handles one event and returns what the platform should get back. */
async function dispatch(deps: Deps, opts: Pick<WebhookOptions, "botName" | "renderer" | "kick">, eventId: string, type: string, event: any) {
  if (type === "im.message.receive_v1") {
    const message = toBotMessage(eventId, event, opts.botName);
    if (!message) return {};
    const reply = await handleMessage(deps, message);
    if (reply) {
      await enqueueMessages(
        deps.db.kysely,
        [{ topic: "bot.reply", to: { type: "chat_id", id: message.chatId }, payload: { reply, replyTo: message.messageId } }],
        deps.now(),
      );
      opts.kick();
    }
    return {};
  }
  if (type === "card.action.trigger") {
    const answer = await handleCardAction(deps, toBotCardAction(eventId, event), opts.renderer);
    opts.kick();
    return { toast: answer.toast, ...(answer.card ? { card: { type: "raw", data: answer.card } } : {}) };
  }
  return {};
}

function checkSignature(headers: Record<string, string>, raw: string, encryptKey: string, now: number, maxAge: number): string | null {
  const timestamp = headers["x-lark-request-timestamp"];
  const nonce = headers["x-lark-request-nonce"];
  const signature = headers["x-lark-signature"];
  if (!timestamp || !nonce || !signature) return "missing signature headers";
  const ts = Number(timestamp) * 1000;
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxAge) return "stale request";
  const expected = createHash("sha256").update(timestamp + nonce + encryptKey + raw).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? null : "bad signature";
}
