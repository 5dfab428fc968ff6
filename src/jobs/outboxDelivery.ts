import { randomUUID } from "node:crypto";
import type { Deps } from "../commands/context";
import { markDelivered, markFailed, markWaited, queuedFor } from "../db/repositories/outbox";
import { holdApp, leaseDueRecipients, releaseLease, renewLease, takeAppSlot, type RecipientKey, type RecipientLease } from "../db/repositories/sendQuotas";
import type { OutboxRow } from "../db/tables";
import { yieldToIo } from "./loop";

/** What the delivery job needs from the chat platform (bot/lark implements it with the SDK). */
export interface MessageSender {
  /**
   * Sends (or patches, for a card already sent under the same cardKey) one message. Must pass `message.uuid`
   * to the platform on every attempt so that a retry of a send that did arrive is not shown twice.
   */
  send(message: OutboxRow): Promise<SendOutcome>;
}

export type SendOutcome =
  /** urgentStatus: how the urgent notice the message asked for went ("sent" / "failed: …"); never fails the send */
  | { ok: true; platformMessageId: string | null; urgentStatus?: string | null }
  /** a real failure; retryable: 5xx, timeouts, network. Not retryable: the platform will refuse it again (230002…) */
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number }
  /**
   * Not a failure: the platform asked us to slow down (429 for the whole app, 230020 for this recipient), or the
   * card to patch is not sent yet. Never counts toward parking; retryAfterMs from x-ogw-ratelimit-reset.
   */
  | { ok: false; wait: "app" | "recipient"; error: string; retryAfterMs?: number };

export interface DeliveryOptions {
  /** this worker's name in the recipient leases; one per loop */
  workerId?: string;
  /** recipients this worker sends to at once */
  concurrency?: number;
  /**
   * recipients sent to at once by all workers of all processes together (default: the app's quota over one
   * recipient's, rounded up). Each held recipient competes for the app's slots on equal terms, so with this many
   * the app runs at its quota and every held chat, a busy one too, goes at about its own quota; more would split
   * the app's quota thinner, and a busy chat would drain slower than it may.
   */
  lanes?: number;
  /** sends per second to one chat or user (the platform allows 5, shared by all bots) */
  perRecipientPerSecond?: number;
  /** sends per second for the whole app, all workers together (the platform allows about 50) */
  appPerSecond?: number;
  /** a message failing for real this long is parked (default: the OUTBOX_PARK_AFTER_HOURS setting) */
  parkAfterMs?: number;
  /** how long a recipient stays with a worker that stopped answering */
  leaseMs?: number;
  /** messages sent to one recipient before it is given back (so that others get their turn) */
  perLease?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The clock of the platform's quotas and of the leases (ms), which `sleep` moves: real time by default. Tests
   * that put time in their own hands pass the harness clock with a sleep that moves it.
   */
  clock?: () => number;
  /** asked between sends: true ends the pass early (the loop is stopping) */
  stopping?: () => boolean;
}

export interface DeliveryResult {
  delivered: number;
  /** real failures that will be tried again */
  retried: number;
  /** sends put off because the platform asked us to wait */
  waited: number;
  parked: number;
}

/** windows of recipients (MAX_VISITS each, src/db/repositories/sendQuotas.ts) one refill looks at, at most */
export const MAX_WINDOWS_PER_FILL = 10;
/** where each database's last refill window ended, kept across passes */
const cursors = new WeakMap<object, RecipientKey | null>();

/** recipients whose next send is at most this far away are taken and waited for */
const HORIZON_MS = 1000;
/** the platform's own quota per chat or user: at most this many sends in any second, as it receives them */
const RECIPIENT_QUOTA = 5;
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Settings = Required<Omit<DeliveryOptions, "workerId">> & { workerId: string };

/**
 * One pass of the outbox. Recipients are leased in PostgreSQL (several workers never send to one recipient at
 * once) and sent to in parallel, up to `concurrency` at a time; each recipient's messages go strictly in order,
 * spaced to its quota, under the app's quota. When a recipient is done, the next due one is leased, until nothing
 * is due. A worker that dies leaves its recipients to others when the lease ends; the platform de-duplicates a
 * resend by uuid.
 */
export async function deliverOutbox(deps: Deps, sender: MessageSender, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const s: Settings = {
    workerId: opts.workerId ?? randomUUID(),
    concurrency: 0,
    lanes: 0,
    perRecipientPerSecond: opts.perRecipientPerSecond ?? 4.9,
    appPerSecond: opts.appPerSecond ?? 47,
    parkAfterMs: opts.parkAfterMs ?? deps.config.outboxParkAfterHours * 3600_000,
    leaseMs: opts.leaseMs ?? 20_000,
    perLease: opts.perLease ?? 50,
    sleep: opts.sleep ?? realSleep,
    clock: opts.clock ?? (() => Date.now()),
    stopping: opts.stopping ?? (() => false),
  };
  s.lanes = opts.lanes ?? Math.ceil(s.appPerSecond / s.perRecipientPerSecond);
  s.concurrency = opts.concurrency ?? s.lanes;
  const result: DeliveryResult = { delivered: 0, retried: 0, waited: 0, parked: 0 };
  const lanes = new Map<string, Promise<void>>();
  // Recipients given back without a single message tried (the app's slots taken ahead, the lease lost, an error)
  // are not leased again in this pass: at once they would try the same and fail the same, over and over, and on
  // PGlite, where every query runs inside this thread, such a loop would never let a timer or a socket have a turn.
  const idle = new Set<string>();
  // Where the last refill's window of recipients ended: the next one goes on from there. Kept across passes, per
  // database, so that a pass that found nothing to take in its windows does not make the next pass look at the same
  // ones again (only a hint: any value is safe).
  let after: RecipientKey | null = cursors.get(deps.db) ?? null;
  const fill = async () => {
    if (s.stopping() || lanes.size >= s.concurrency) return;
    // Window after window until something is leased, the walk has reached the last recipient (once more from the
    // first when it began further on), or MAX_WINDOWS_PER_FILL windows were looked at: recipients that cannot be
    // taken now (held elsewhere, waiting for a retry) do not hide the ones behind them, and after an outage with
    // every recipient waiting for its retry a pass looks at a bounded number, letting timers and sockets run between
    // windows (on PGlite they run in this thread).
    const began = after;
    let wrapped = false;
    let leases: RecipientLease[] = [];
    for (let windows = 1; ; windows++) {
      const got = await leaseDueRecipients(deps.db, {
        owner: s.workerId,
        dueAt: deps.now(),
        now: new Date(s.clock()),
        horizonMs: HORIZON_MS,
        leaseMs: s.leaseMs,
        limit: s.concurrency - lanes.size,
        maxLeased: s.lanes,
        exclude: [...idle],
        after,
      });
      after = got.after;
      cursors.set(deps.db, after);
      leases = got.leases;
      if (leases.length > 0 || !got.walked || windows >= MAX_WINDOWS_PER_FILL) break;
      if (after === null) {
        if (began === null || wrapped) break;
        wrapped = true;
      }
      await yieldToIo();
    }
    for (const lease of leases) {
      const lane = sendToRecipient(deps, sender, s, lease, result)
        .then((tried) => {
          if (tried === 0) idle.add(lease.scope);
        })
        .catch((err) => {
          idle.add(lease.scope);
          console.error(`向 ${lease.scope} 投递消息出错：`, err);
        })
        .finally(() => lanes.delete(lease.scope));
      lanes.set(lease.scope, lane);
    }
  };
  await fill();
  while (lanes.size > 0) {
    await Promise.race(lanes.values());
    await yieldToIo();
    await fill();
  }
  return result;
}

/** Sends one leased recipient's due messages in order, then gives the recipient back; the number of messages tried. */
async function sendToRecipient(deps: Deps, sender: MessageSender, s: Settings, lease: RecipientLease, result: DeliveryResult): Promise<number> {
  const db = deps.db.kysely;
  const now = s.clock;
  const waitUntil = async (t: number) => {
    const ms = t - now();
    if (ms > 0) await s.sleep(ms);
  };
  let nextSendAt = lease.nextSendAt.getTime();
  let leasedUntil = now() + s.leaseMs;
  // When each of this lease's sends was answered: a send reached the platform no later than that, so a send that
  // starts more than a second after the answer of the send RECIPIENT_QUOTA before it can never be the sixth in
  // any second the platform counts, however long the sends in between took to arrive.
  const answers: number[] = [];
  const windowFree = (k: number) => (answers.length >= RECIPIENT_QUOTA - k ? answers[answers.length - (RECIPIENT_QUOTA - k)]! + 1000 - k * (1000 / s.perRecipientPerSecond) + 1 : 0);
  let tried = 0;
  try {
    for (const message of await queuedFor(db, lease, s.perLease)) {
      if (s.stopping()) break;
      // First in, first out: a message waiting for its retry holds back the ones behind it.
      if (new Date(message.nextAttemptAt) > deps.now()) break;
      if (nextSendAt - now() > HORIZON_MS) break;
      await waitUntil(nextSendAt);
      // Renewed at half-life (and refused if another worker took the recipient over while this one stalled):
      // the lease then still has half its length to run, far longer than one send.
      if (now() > leasedUntil - s.leaseMs / 2) {
        if (!(await renewLease(db, lease.scope, s.workerId, new Date(now() + s.leaseMs)))) return tried;
        leasedUntil = now() + s.leaseMs;
      }
      const interval = 1000 / s.appPerSecond;
      let slot = await takeAppSlot(db, new Date(now()), interval, HORIZON_MS);
      if (!slot) break;
      await waitUntil(slot.getTime());
      // Woken more than a slot late (a busy event loop, a slow query): sent now, it would crowd the sends of the
      // slots after it into one second of the platform's count, so it takes a fresh slot instead.
      if (now() - slot.getTime() > interval) {
        slot = await takeAppSlot(db, new Date(now()), interval, HORIZON_MS);
        if (!slot) break;
        await waitUntil(slot.getTime());
      }
      const startedAt = Math.max(now(), nextSendAt, slot.getTime());
      tried++;
      const outcome = await sender.send(message).catch((err: Error): SendOutcome => ({ ok: false, retryable: true, error: err.message }));
      const answeredAt = Math.max(now(), startedAt);
      // Spaced start to start, as the platform counts arrivals over a sliding second; a send that arrives late and
      // crowds the next one is answered 230020 and waited for, never counted as a failure.
      answers.push(answeredAt);
      if (answers.length > RECIPIENT_QUOTA) answers.shift();
      nextSendAt = Math.max(startedAt + 1000 / s.perRecipientPerSecond, windowFree(0));
      const done = await record(deps, s, message, outcome, deps.now());
      result[done]++;
      if (done === "waited" && "wait" in outcome) {
        const until = answeredAt + (outcome.retryAfterMs ?? 1000);
        if (outcome.wait === "app") await holdApp(db, new Date(until));
        else nextSendAt = Math.max(nextSendAt, until);
        break;
      }
      if (done === "retried") break;
    }
  } finally {
    // The next lease (here or in another process) knows only this time and spaces its own sends from it: so that
    // its first RECIPIENT_QUOTA sends stay clear of this lease's last ones, it starts late enough for all of them.
    for (let k = 1; k < RECIPIENT_QUOTA; k++) nextSendAt = Math.max(nextSendAt, windowFree(k));
    await releaseLease(db, lease.scope, s.workerId, new Date(nextSendAt));
  }
  return tried;
}

type Recorded = keyof DeliveryResult;

async function record(deps: Deps, s: Settings, message: OutboxRow, outcome: SendOutcome, at: Date): Promise<Recorded> {
  const db = deps.db.kysely;
  if (outcome.ok) {
    await markDelivered(db, message.id, at, outcome.platformMessageId, outcome.urgentStatus ?? null);
    return "delivered";
  }
  if ("wait" in outcome) {
    await markWaited(db, message.id, outcome.error);
    return "waited";
  }
  const firstFailedAt = message.firstFailedAt ? new Date(message.firstFailedAt) : at;
  const attempts = message.attempts + 1;
  const parkReason = !outcome.retryable
    ? `平台拒收，重试也不会成功，已停止发送：${outcome.error}`
    : at.getTime() - firstFailedAt.getTime() >= s.parkAfterMs
      ? `连续 ${formatHours(s.parkAfterMs)}发送失败（共 ${attempts} 次），已停止发送；最后一次：${outcome.error}`
      : null;
  await markFailed(db, message.id, {
    at,
    error: outcome.error,
    firstFailedAt,
    retryAt: new Date(at.getTime() + (outcome.retryAfterMs ?? backoffMs(attempts))),
    parkReason,
  });
  return parkReason ? "parked" : "retried";
}

function formatHours(ms: number): string {
  const hours = ms / 3600_000;
  return hours >= 1 ? `${Number(hours.toFixed(1))} 小时` : `${Math.round(ms / 60_000)} 分钟`;
}

/** 1 s, 2 s, 4 s … capped at 10 minutes, with up to 20 % jitter so retries of a burst spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 600_000);
  return Math.round(base * (1 + Math.random() * 0.2));
}
