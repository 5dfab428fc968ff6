import { createCipheriv, createHash, randomBytes } from "node:crypto";
import type { LongConnectionHub } from "./longConnection";
import { id } from "./store";

// Delivers events to the bot the way the platform does: schema 2.0 envelope, compact JSON, AES-256-CBC
// encryption and the x-lark-signature headers, 3 s to answer, redelivery after a failure with the same event_id.

export interface EventSenderOptions {
  appId: string;
  verificationToken: string;
  encryptKey?: string | undefined;
  eventUrl: () => string | undefined;
  fetch: typeof fetch;
  now: () => number;
  retryDelaysMs: number[];
  /** the platform waits this long for the bot's answer */
  answerTimeoutMs?: number;
  /** when a long-connection client is connected, events go to it instead of the event URL */
  longConnection?: LongConnectionHub;
}

export interface Delivery {
  status: number;
  body: any;
}

export function encryptEvent(plain: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

export function signEvent(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + body).digest("hex");
}

export function createEventSender(opts: EventSenderOptions) {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let last: { envelope: unknown } | null = null;

  async function post(envelope: unknown, signed: boolean): Promise<Delivery> {
    // Long connection: plain JSON in a data frame, no encryption or signature (the connection is authenticated).
    if (signed && opts.longConnection?.connected()) return opts.longConnection.deliver(envelope, opts.answerTimeoutMs ?? 3000);
    const url = opts.eventUrl();
    if (!url) return { status: 0, body: "沙箱尚未设置机器人的事件地址" };
    const plain = JSON.stringify(envelope);
    const body = opts.encryptKey ? JSON.stringify({ encrypt: encryptEvent(plain, opts.encryptKey) }) : plain;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (signed && opts.encryptKey) {
      const timestamp = String(Math.floor(opts.now() / 1000));
      const nonce = randomBytes(8).toString("hex");
      headers["x-lark-request-timestamp"] = timestamp;
      headers["x-lark-request-nonce"] = nonce;
      headers["x-lark-signature"] = signEvent(timestamp, nonce, opts.encryptKey, body);
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), opts.answerTimeoutMs ?? 3000);
    try {
      const res = await opts.fetch(url, { method: "POST", headers, body, signal: abort.signal });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    } catch (err) {
      return { status: 0, body: `投递失败：${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends once; on failure schedules the platform's redeliveries of the same event. */
  async function deliver(envelope: unknown): Promise<Delivery> {
    last = { envelope };
    const first = await post(envelope, true);
    if (first.status !== 200) schedule(envelope, 0);
    return first;
  }

  function schedule(envelope: unknown, attempt: number) {
    const delay = opts.retryDelaysMs[attempt];
    if (delay === undefined) return;
    const t = setTimeout(async () => {
      timers.delete(t);
      const r = await post(envelope, true);
      if (r.status !== 200) schedule(envelope, attempt + 1);
    }, delay);
    timers.add(t);
  }

  function envelope(eventType: string, event: unknown) {
    return {
      schema: "2.0",
      header: {
        event_id: id("ev_"),
        token: opts.verificationToken,
        create_time: String(opts.now()),
        event_type: eventType,
        tenant_key: "sandbox",
        app_id: opts.appId,
      },
      event,
    };
  }

  return {
    envelope,
    deliver,
    /** the same event again (same event_id), as the platform's at-least-once delivery may do */
    redeliverLast: async () => (last ? post(last.envelope, true) : { status: 0, body: "没有可重发的事件" }),
    /** the unsigned URL check the platform sends when the event URL is saved */
    verifyUrl: async (): Promise<boolean> => {
      const challenge = id("ch_");
      const r = await post({ challenge, token: opts.verificationToken, type: "url_verification" }, false);
      return r.status === 200 && r.body?.challenge === challenge;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
