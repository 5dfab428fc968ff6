import { randomUUID } from "node:crypto";
import { sql, type QueryCreator } from "kysely";
import type { Executor } from "../client";
import type { Database, OutboxRow } from "../tables";
import { fillNumber, holdNumbers, numberGiven, numberingWith, settleNumber } from "./numbering";

export interface OutgoingMessage {
  /** what happened, e.g. "task.announced"; the bot's chat presenters render each topic */
  topic: string;
  to: { type: "open_id" | "chat_id"; id: string };
  payload: Record<string, unknown>;
  /** identifies a card that later changes patch instead of re-sending, e.g. "task:12:inbound" */
  cardKey?: string | null;
  requestId?: number | null;
  taskId?: number | null;
  /** open ids to send an urgent notice (加急) to once the message is delivered (best effort, see bot/lark/sender.ts) */
  urgent?: string[] | null;
}

const held = new WeakMap<Executor, Array<{ m: OutgoingMessage; at: Date }>>();

/**
 * From now on this transaction's messages wait for flushOutbox, so that all of them go in one insert; and so does
 * the number of a request it creates (numbering.ts), so that the shared counter is its last write.
 */
export function holdOutbox(trx: Executor): void {
  held.set(trx, []);
  holdNumbers(trx);
}

/**
 * Inserts what the transaction queued since holdOutbox, in queue order, in one statement; with `alongside`, a
 * write of the caller's that commits with them (the inbox marking its event handled), in that same statement
 * (the insert as a data-modifying WITH): one round trip for both. A request number still to be given is given
 * in that statement too, with what carries it (numberingWith), so nothing follows the counter but the commit.
 */
export async function flushOutbox(trx: Executor, alongside?: (db: QueryCreator<Database>) => Executable): Promise<void> {
  const waiting = held.get(trx) ?? [];
  held.delete(trx);
  if (!alongside) {
    await settleNumber(trx);
    return insertMessages(trx, waiting);
  }
  // `alongside` never reads the rows the WITHs write: it sees the database as it is, plus WITHs it does not name
  const numbering = numberingWith(trx);
  const before = (numbering ?? trx) as unknown as QueryCreator<Database>;
  const statement =
    waiting.length === 0 ? before : before.with("flushed", (db) => db.insertInto("outbox").values(outboxRows(waiting, trx)).returning("id"));
  await alongside(statement as unknown as QueryCreator<Database>).execute();
  numberGiven(trx);
}

/** A statement to run, as Kysely's builders are. */
interface Executable {
  execute(): Promise<unknown>;
}

/**
 * Queues messages in the caller's transaction: they exist if and only if the change they announce committed.
 * Each gets its own uuid, reused by every delivery attempt so the platform de-duplicates retries.
 */
export async function enqueueMessages(trx: Executor, messages: OutgoingMessage[], at: Date): Promise<void> {
  const waiting = held.get(trx);
  if (waiting) waiting.push(...messages.map((m) => ({ m, at })));
  else await insertMessages(trx, messages.map((m) => ({ m, at })));
}

async function insertMessages(trx: Executor, messages: Array<{ m: OutgoingMessage; at: Date }>): Promise<void> {
  if (messages.length === 0) return;
  await trx.insertInto("outbox").values(outboxRows(messages, trx)).execute();
}

/** The rows to insert; in `trx`, a payload that carries a request number still to be given gets it (fillNumber). */
function outboxRows(messages: Array<{ m: OutgoingMessage; at: Date }>, trx?: Executor) {
  return messages.map(({ m, at }) => ({
    topic: m.topic,
    recipientType: m.to.type,
    recipientId: m.to.id,
    payload: trx ? fillNumber(trx, JSON.stringify(m.payload), "jsonb") : JSON.stringify(m.payload),
    uuid: randomUUID(),
    cardKey: m.cardKey ?? null,
    requestId: m.requestId ?? null,
    taskId: m.taskId ?? null,
    urgent: m.urgent?.length ? JSON.stringify(m.urgent) : null,
    nextAttemptAt: at,
    createdAt: at,
  }));
}

/** A recipient's waiting messages in the order they must arrive. */
export async function queuedFor(db: Executor, recipient: Pick<OutboxRow, "recipientType" | "recipientId">, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("recipientType", "=", recipient.recipientType)
    .where("recipientId", "=", recipient.recipientId)
    .where("deliveredAt", "is", null)
    .where("parkedAt", "is", null)
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Delivered; `urgentStatus` is the outcome of the urgent notice the message asked for, if it did. */
export async function markDelivered(db: Executor, id: number, at: Date, platformMessageId: string | null, urgentStatus?: string | null): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ deliveredAt: at, platformMessageId, lastError: null, ...(urgentStatus ? { urgentStatus: urgentStatus.slice(0, 1000) } : {}) })
    .where("id", "=", id)
    .execute();
}

/** The platform asked us to wait: no failure, nothing counts toward parking. */
export async function markWaited(db: Executor, id: number, error: string): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ waits: sql`waits + 1`, lastError: error.slice(0, 1000) })
    .where("id", "=", id)
    .execute();
}

/** A real failure: counted, retried at `retryAt`, or parked with the reason when `parkReason` is given. */
export async function markFailed(
  db: Executor,
  id: number,
  f: { at: Date; error: string; firstFailedAt: Date; retryAt: Date; parkReason: string | null },
): Promise<void> {
  await db
    .updateTable("outbox")
    .set({
      attempts: sql`attempts + 1`,
      lastError: f.error.slice(0, 1000),
      firstFailedAt: f.firstFailedAt,
      nextAttemptAt: f.retryAt,
      parkedAt: f.parkReason ? f.at : null,
      parkReason: f.parkReason,
    })
    .where("id", "=", id)
    .execute();
}

/** Parked messages (not discarded), newest first. */
export async function listParked(db: Executor, limit = 100): Promise<OutboxRow[]> {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("parkedAt", "is not", null)
    .where("discardedAt", "is", null)
    .orderBy("parkedAt", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * An admin gives up on a parked message: it stays parked (so nothing sends it) and is marked discarded with the
 * reason. Answers the row, or undefined when no parked, not yet discarded message has this id.
 */
export async function discardParked(trx: Executor, id: number, f: { at: Date; reason: string; by: string }) {
  return trx
    .updateTable("outbox")
    .set({ discardedAt: f.at, discardReason: f.reason, discardedBy: f.by })
    .where("id", "=", id)
    .where("parkedAt", "is not", null)
    .where("discardedAt", "is", null)
    .returning(["id", "topic", "recipientType", "recipientId", "requestId", "lastError"])
    .executeTakeFirst();
}

/**
 * Puts parked messages back in the queue (one, or every one), with a fresh count of failures and the same
 * uuid, so a message that did arrive before still cannot show twice. Answers the ids put back.
 */
export async function requeueParked(trx: Executor, which: { id: number } | "all", at: Date): Promise<number[]> {
  let q = trx
    .updateTable("outbox")
    .set({ parkedAt: null, parkReason: null, attempts: 0, waits: 0, firstFailedAt: null, nextAttemptAt: at })
    .where("parkedAt", "is not", null)
    .where("discardedAt", "is", null);
  if (which !== "all") q = q.where("id", "=", which.id);
  const rows = await q.returning("id").execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
