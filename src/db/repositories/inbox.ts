import { sql, type QueryCreator } from "kysely";
import type { Executor } from "../client";
import type { Database, InboundEventRow } from "../tables";

// The inbox (table inbound_events): platform events stored once per event_id, handled later in one
// transaction with their effects (src/jobs/inboxWorker.ts), or at once for card clicks (answer stored).

/** Stores a verified event; false when it was stored before (a redelivery). */
export async function storeEvent(
  db: Executor,
  e: { eventId: string; eventType: string; payload: unknown; at: Date; handled?: boolean; answer?: unknown },
): Promise<boolean> {
  const row = await db
    .insertInto("inboundEvents")
    .values({
      eventId: e.eventId,
      eventType: e.eventType,
      payload: JSON.stringify(e.payload ?? null),
      receivedAt: e.at,
      nextAttemptAt: e.at,
      handledAt: e.handled ? e.at : null,
      answer: e.answer === undefined ? null : JSON.stringify(e.answer),
    })
    .onConflict((oc) => oc.column("eventId").doNothing())
    .returning("eventId")
    .executeTakeFirst();
  return row !== undefined;
}

// jsonb is read as text and parsed here: the CamelCasePlugin would otherwise rename the platform's keys
// inside it (chat_id -> chatId, update_multi -> updateMulti).
const COLUMNS = ["eventId", "eventType", "receivedAt", "attempts", "nextAttemptAt", "handledAt", "lastError"] as const;
const payloadText = sql<string | null>`payload::text`.as("payload");
const answerText = sql<string | null>`answer::text`.as("answer");
const parsed = (row: { payload: string | null; answer: string | null } & Omit<InboundEventRow, "payload" | "answer">): InboundEventRow => ({
  ...row,
  payload: row.payload === null ? null : JSON.parse(row.payload),
  answer: row.answer === null ? null : JSON.parse(row.answer),
});

/** The next pending event due now, locked for this transaction; other workers skip it. */
export async function claimPendingEvent(trx: Executor, now: Date): Promise<InboundEventRow | undefined> {
  const row = await trx
    .selectFrom("inboundEvents")
    .select([...COLUMNS, payloadText, answerText])
    .where("handledAt", "is", null)
    .where("nextAttemptAt", "<=", now)
    .orderBy("nextAttemptAt")
    .orderBy("receivedAt")
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row && parsed(row);
}

/** The same event locked again after a rollback, if nobody handled it in between. */
export async function relockPendingEvent(trx: Executor, eventId: string): Promise<InboundEventRow | undefined> {
  const row = await trx
    .selectFrom("inboundEvents")
    .select([...COLUMNS, payloadText, answerText])
    .where("eventId", "=", eventId)
    .where("handledAt", "is", null)
    .forUpdate()
    .executeTakeFirst();
  return row && parsed(row);
}

export async function markHandled(trx: Executor, eventId: string, at: Date, extra: { answer?: unknown; error?: string } = {}): Promise<void> {
  await handledUpdate(trx, eventId, at, extra).execute();
}

/** markHandled's statement, to run as part of another (flushOutbox's alongside) */
export function handledUpdate(trx: QueryCreator<Database>, eventId: string, at: Date, extra: { answer?: unknown; error?: string } = {}) {
  return trx
    .updateTable("inboundEvents")
    .set({
      handledAt: at,
      ...(extra.answer !== undefined ? { answer: JSON.stringify(extra.answer) } : {}),
      ...(extra.error !== undefined ? { lastError: extra.error } : {}),
    })
    .where("eventId", "=", eventId);
}

export async function recordFailedAttempt(trx: Executor, eventId: string, error: string, retryAt: Date): Promise<void> {
  await trx
    .updateTable("inboundEvents")
    .set((eb) => ({ attempts: eb("attempts", "+", 1), lastError: error, nextAttemptAt: retryAt }))
    .where("eventId", "=", eventId)
    .execute();
}

/** What a handled card click was answered with (undefined: not handled yet, or not a click). */
export async function storedAnswer(db: Executor, eventId: string): Promise<unknown> {
  const row = await db.selectFrom("inboundEvents").select([answerText, "handledAt"]).where("eventId", "=", eventId).executeTakeFirst();
  return row?.handledAt && row.answer !== null ? JSON.parse(row.answer) : undefined;
}
