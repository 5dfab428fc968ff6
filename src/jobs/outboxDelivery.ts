import { sql } from "kysely";
import type { Deps } from "../commands/context";
import type { OutboxRow } from "../db/tables";

/** What the delivery job needs from the chat platform (bot/lark implements it with the SDK). */
export interface MessageSender {
  /**
   * Sends (or patches, for a card already sent under the same cardKey) one message. Must pass `message.uuid`
   * to the platform on every attempt so that a retry of a send that did arrive is not shown twice.
   */
  send(message: OutboxRow): Promise<SendOutcome>;
}

export type SendOutcome =
  | { ok: true; platformMessageId: string | null }
  /** retryable: 429, 5xx, timeouts, network; retryAfterMs from x-ogw-ratelimit-reset when the platform says */
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export interface DeliveryOptions {
  batchSize?: number;
  /** attempts before a message is parked for an admin to look at */
  maxAttempts?: number;
  /** how long a claimed message stays invisible to other workers while it is being sent */
  leaseMs?: number;
  limiter?: SendLimiter;
}

export interface DeliveryResult {
  delivered: number;
  retried: number;
  parked: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * One pass of the outbox: claims due messages (SKIP LOCKED, so several workers never take the same one),
 * sends each outside any transaction, and records the outcome. A worker that dies mid-send leaves the
 * message to reappear when its lease ends; the platform de-duplicates the resend by uuid.
 */
export async function deliverOutbox(deps: Deps, sender: MessageSender, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: 0, retried: 0, parked: 0 };
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const claimed = await claimDue(deps, opts.batchSize ?? 50, opts.leaseMs ?? 60_000);
  const limiter = opts.limiter ?? new SendLimiter();
  for (const message of claimed) {
    await limiter.wait(message.recipientType === "chat_id" ? message.recipientId : `user:${message.recipientId}`);
    let outcome: SendOutcome;
    try {
      outcome = await sender.send(message);
    } catch (err) {
      outcome = { ok: false, retryable: true, error: (err as Error).message };
    }
    const now = deps.now();
    if (outcome.ok) {
      await deps.db.kysely
        .updateTable("outbox")
        .set({ deliveredAt: now, platformMessageId: outcome.platformMessageId, lastError: null })
        .where("id", "=", message.id)
        .execute();
      result.delivered++;
      continue;
    }
    const park = !outcome.retryable || message.attempts >= maxAttempts;
    await deps.db.kysely
      .updateTable("outbox")
      .set({
        lastError: outcome.error.slice(0, 1000),
        parkedAt: park ? now : null,
        nextAttemptAt: new Date(now.getTime() + (outcome.retryAfterMs ?? backoffMs(message.attempts))),
      })
      .where("id", "=", message.id)
      .execute();
    if (park) result.parked++;
    else result.retried++;
  }
  return result;
}

async function claimDue(deps: Deps, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const now = deps.now();
  return deps.db.transaction(async (trx) => {
    const due = await trx
      .selectFrom("outbox")
      .select("id")
      .where("deliveredAt", "is", null)
      .where("parkedAt", "is", null)
      .where("nextAttemptAt", "<=", now)
      .orderBy("nextAttemptAt")
      .orderBy("id")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable("outbox")
      .set({ attempts: sql`attempts + 1`, nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where("id", "in", due.map((d) => d.id))
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => a.id - b.id));
  });
}

/** 1 s, 2 s, 4 s … capped at 10 minutes, with up to 20 % jitter so retries of a burst spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 600_000);
  return Math.round(base * (1 + Math.random() * 0.2));
}

/** Admin: parked messages, newest first. */
export async function listParked(deps: Deps, limit = 100) {
  return deps.db.kysely.selectFrom("outbox").selectAll().where("parkedAt", "is not", null).orderBy("parkedAt", "desc").limit(limit).execute();
}

/** Admin: puts a parked message back in the queue (same uuid, so it still cannot arrive twice). */
export async function retryParked(deps: Deps, id: number): Promise<boolean> {
  const r = await deps.db.kysely
    .updateTable("outbox")
    .set({ parkedAt: null, attempts: 0, nextAttemptAt: deps.now() })
    .where("id", "=", id)
    .where("parkedAt", "is not", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Keeps sends within the platform's limits: about 50 per second per app and 5 per second per chat or user
 * (shared by all bots, so we stay a little under). Sliding one-second windows, in this process.
 */
export class SendLimiter {
  private readonly appWindow: number[] = [];
  private readonly keyWindows = new Map<string, number[]>();
  constructor(
    private readonly perApp = 45,
    private readonly perKey = 4,
    private readonly clock: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async wait(key: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const keyWindow = this.keyWindows.get(key) ?? [];
      prune(this.appWindow, now);
      prune(keyWindow, now);
      const waitApp = this.appWindow.length >= this.perApp ? this.appWindow[0]! + 1000 - now : 0;
      const waitKey = keyWindow.length >= this.perKey ? keyWindow[0]! + 1000 - now : 0;
      const delay = Math.max(waitApp, waitKey);
      if (delay <= 0) {
        this.appWindow.push(now);
        keyWindow.push(now);
        this.keyWindows.set(key, keyWindow);
        return;
      }
      await this.sleep(delay);
    }
  }
}

function prune(window: number[], now: number) {
  while (window.length > 0 && window[0]! <= now - 1000) window.shift();
}
