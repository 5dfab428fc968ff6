import { CommandFailed, inOneTransaction, type Deps } from "../commands/context";
import { claimPendingEvent, handledUpdate, markHandled, recordFailedAttempt, relockPendingEvent } from "../db/repositories/inbox";
import { enqueueMessages, flushOutbox, holdOutbox, type OutgoingMessage } from "../db/repositories/outbox";
import type { InboundEventRow } from "../db/tables";
import { isDatabaseUnavailable } from "../db/unavailable";
import { DomainError } from "../domain/types";
import { yieldToIo } from "./loop";


/** After this many failed attempts an event is given up (and its sender told so). */
export const MAX_ATTEMPTS = 5;

/** What the inbox does with a stored event: the chat side (bot/lark/inbound.ts) implements it. */
export interface InboxHandler {
  /** Handles one event; deps.db is the event's transaction. Answers the messages to send (the reply). */
  handle(deps: Deps, event: InboundEventRow): Promise<OutgoingMessage[]>;
  /** The messages telling the sender that their event could not be handled, after MAX_ATTEMPTS. */
  giveUp(event: InboundEventRow): OutgoingMessage[];
}

export interface InboxPass {
  handled: number;
  failed: number;
  /** the pass stopped at its limit, not because nothing was due: more may be waiting */
  more: boolean;
}

/**
 * Handles pending inbox events, each in ONE transaction with its effects and its reply, marked handled in
 * it: a crash at any point leaves the event pending (never half done), and its redelivery is only a
 * duplicate row the inbox refuses. Safe on several servers at once (FOR UPDATE SKIP LOCKED).
 * A refusal (DomainError) rolls back what the command wrote and commits the explaining reply alone; any
 * other failure is retried with backoff, and after MAX_ATTEMPTS given up with a reply saying so.
 */
export async function perform(deps: Deps, handler: InboxHandler, opts: { limit?: number; lanes?: number } = {}): Promise<InboxPass> {
  const result: InboxPass = { handled: 0, failed: 0, more: false };
  const limit = opts.limit ?? 100;
  let taken = 0;
  // Lanes (PostgreSQL): several events handled at once, each in its own transaction; SKIP LOCKED keeps them apart
  // exactly as it keeps several servers apart. PGlite runs one transaction at a time, so one lane there.
  let drained = false;
  const lane = async () => {
    while (taken < limit) {
      taken++;
      const outcome = await handleNext(deps, handler);
      if (outcome === "none") {
        drained = true;
        break;
      }
      result[outcome]++;
      // Let waiting I/O run between events. PGlite answers on this thread without ever waiting for I/O, so a
      // pass of 100 events would otherwise keep the platform's next events from even being read: their acks
      // waited for seconds at 32-64 in flight (test/bench/RESULTS-events.md), past the platform's 3 s.
      await yieldToIo();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.lanes ?? 1) }, lane));
  result.more = !drained;
  return result;
}

async function handleNext(deps: Deps, handler: InboxHandler): Promise<"none" | "handled" | "failed"> {
  let claimed: InboundEventRow | undefined;
  try {
    return await inOneTransaction(
      deps,
      async (bound, trx) => {
        claimed = await claimPendingEvent(trx, deps.now());
        if (claimed) holdOutbox(trx); // the command's messages and the reply: one insert, in finish
        return claimed ? await handler.handle(bound, claimed) : null;
      },
      async (trx, messages) => {
        if (!claimed || !messages) return "none" as const;
        const event = claimed;
        await enqueueMessages(trx, messages, deps.now());
        await flushOutbox(trx, (db) => handledUpdate(db, event.eventId, deps.now()));
        return "handled" as const;
      },
    );
  } catch (err) {
    // Nothing claimed, or the database went away: nothing was recorded; the next pass tries again.
    if (!claimed || isDatabaseUnavailable(err)) throw err;
    const event = claimed;
    const cause = err instanceof CommandFailed ? err.cause : err;
    if (err instanceof CommandFailed && cause instanceof DomainError) {
      await deps.db.transaction(async (trx) => {
        if (!(await relockPendingEvent(trx, event.eventId))) return;
        await enqueueMessages(trx, err.answer as OutgoingMessage[], deps.now());
        await markHandled(trx, event.eventId, deps.now(), { error: cause.message });
      });
      return "handled";
    }
    if (isDatabaseUnavailable(cause)) throw cause;
    console.error(`处理事件 ${event.eventId} 失败：`, cause);
    const message = cause instanceof Error ? cause.message : String(cause);
    await deps.db.transaction(async (trx) => {
      const row = await relockPendingEvent(trx, event.eventId);
      if (!row) return;
      if (row.attempts + 1 >= MAX_ATTEMPTS) {
        await enqueueMessages(trx, handler.giveUp(row), deps.now());
        await recordFailedAttempt(trx, row.eventId, message, deps.now());
        await markHandled(trx, row.eventId, deps.now());
      } else {
        await recordFailedAttempt(trx, row.eventId, message, new Date(deps.now().getTime() + 1000 * 2 ** row.attempts));
      }
    });
    return "failed";
  }
}
