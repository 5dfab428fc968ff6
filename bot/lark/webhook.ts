import { createHash, timingSafeEqual } from "node:crypto";
import * as lark from "@larksuiteoapi/node-sdk";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../src/http/env";
import { errorBody } from "../../src/http/errors";
import { isDatabaseUnavailable } from "../../src/db/unavailable";
import { observability } from "../../src/observability";
import { acceptEvent, type InboundOptions } from "./inbound";

export interface WebhookOptions extends InboundOptions {
  encryptKey: string | undefined;
  verificationToken: string;
  /** signed requests older than this are refused (replays) */
  maxAgeMs?: number;
  /** bodies larger than this are refused before being read (the platform's events are a few KB) */
  maxBodyBytes?: number;
}

const FIVE_MINUTES = 5 * 60_000;
const ONE_MEGABYTE = 1024 * 1024;

/**
 * POST /lark/events: the platform's event subscription. Refuses oversized bodies unread, verifies the
 * signature over the raw body, refuses stale or wrongly-tokened requests, decrypts, and answers well within
 * 3 s: a chat message is stored in the inbox and handled right after (bot/lark/inbound.ts), a card click is
 * answered in the response itself. While the database is away it answers 503, so the platform redelivers.
 */
export function larkWebhook(opts: WebhookOptions) {
  const cipher = opts.encryptKey ? new lark.AESCipher(opts.encryptKey) : null;
  const maxAge = opts.maxAgeMs ?? FIVE_MINUTES;
  const maxBytes = opts.maxBodyBytes ?? ONE_MEGABYTE;
  const refuse = (code: string, message: string) => errorBody(code, message);
  return new Hono<AppEnv>().post(
    "/events",
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) => done(c, "payload_too_large", c.json(refuse("payload_too_large", `事件内容过大：不能超过 ${maxBytes >= ONE_MEGABYTE ? `${maxBytes / ONE_MEGABYTE} MB` : `${Math.ceil(maxBytes / 1024)} KB`}，飞书的事件通常只有几 KB。`), 413)),
    }),
    async (c) => {
      const deps = c.get("deps");
      const raw = await c.req.text();
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        return done(c, "invalid_json", c.json(refuse("invalid_json", "事件内容不是合法的 JSON。"), 400));
      }
      if (body?.encrypt !== undefined) {
        if (!cipher) return done(c, "no_encrypt_key", c.json(refuse("no_encrypt_key", "收到加密事件，但未配置 Encrypt Key（LARK_ENCRYPT_KEY）。"), 400));
        try {
          body = JSON.parse(cipher.decrypt(body.encrypt));
        } catch {
          return done(c, "cannot_decrypt", c.json(refuse("cannot_decrypt", "无法解密事件：请核对 Encrypt Key。"), 400));
        }
      }
      // The URL check is sent unsigned; it carries the verification token.
      if (body?.type === "url_verification") {
        if (body.token !== opts.verificationToken) return done(c, "bad_token", c.json(refuse("bad_token", "Verification Token 不正确。"), 401));
        return done(c, "url_verification", c.json({ challenge: body.challenge }));
      }
      if (opts.encryptKey) {
        const refusal = checkSignature(c.req.header(), raw, opts.encryptKey, deps.now().getTime(), maxAge);
        if (refusal) return done(c, "bad_signature", c.json(refuse("bad_signature", refusal), 401));
      }
      if (body?.schema !== "2.0" || !body.header) return done(c, "unsupported_schema", c.json(refuse("unsupported_schema", "只支持 2.0 版事件格式（schema 为 \"2.0\"，带 header）。"), 400));
      if (body.header.token !== opts.verificationToken) return done(c, "bad_token", c.json(refuse("bad_token", "Verification Token 不正确。"), 401));
      const eventId = body.header.event_id;
      if (typeof eventId !== "string" || !eventId) {
        return done(c, "missing_event_id", c.json(refuse("missing_event_id", "事件缺少 header.event_id，无法去重，已拒绝。正确示例：{\"schema\":\"2.0\",\"header\":{\"event_id\":\"5e3702a84e847582be8db7fb73283c02\",…}}"), 400));
      }
      const eventType = String(body.header.event_type);
      let answer: Record<string, unknown>;
      try {
        answer = await acceptEvent(deps, opts, eventId, eventType, body.event);
      } catch (err) {
        done(c, isDatabaseUnavailable(err) ? "database_unavailable" : "error", c.res, { eventId, eventType });
        throw err; // answered by the app's onError (503 while the database is away: the platform redelivers)
      }
      return done(c, OUTCOME[eventType] ?? "ignored", c.json(answer), { eventId, eventType });
    },
  );
}

/** What became of an accepted event, by its type (other types are acknowledged and ignored). */
const OUTCOME: Record<string, string> = { "im.message.receive_v1": "message_stored", "card.action.trigger": "card_answered" };

/** Counts and logs one posted event by outcome: ids and types only, never the event's content. */
function done(c: Context<AppEnv>, outcome: string, res: Response, event: { eventId?: string; eventType?: string } = {}): Response {
  const { log, metrics } = observability(c.get("deps"));
  metrics.webhookEvent(outcome);
  log.info({ requestId: c.get("requestId"), outcome, eventId: event.eventId, eventType: event.eventType }, "webhook event");
  return res;
}

function checkSignature(headers: Record<string, string>, raw: string, encryptKey: string, now: number, maxAge: number): string | null {
  const timestamp = headers["x-lark-request-timestamp"];
  const nonce = headers["x-lark-request-nonce"];
  const signature = headers["x-lark-signature"];
  if (!timestamp || !nonce || !signature) return "缺少签名请求头（x-lark-request-timestamp、x-lark-request-nonce、x-lark-signature）。";
  const ts = Number(timestamp) * 1000;
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxAge) return "请求时间戳已过期（超过 5 分钟），疑似重放，已拒绝。";
  const expected = createHash("sha256").update(timestamp + nonce + encryptKey + raw).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? null : "签名校验失败。";
}
