import { randomUUID } from "node:crypto";
import type { Executor } from "../client";

export interface OutgoingMessage {
  /** what happened, e.g. "task.announced"; the bot's chat presenters render each topic */
  topic: string;
  to: { type: "open_id" | "chat_id"; id: string };
  payload: Record<string, unknown>;
  /** identifies a card that later changes patch instead of re-sending, e.g. "task:12:inbound" */
  cardKey?: string | null;
  requestId?: number | null;
  taskId?: number | null;
}

/**
 * Queues messages in the caller's transaction: they exist if and only if the change they announce committed.
 * Each gets its own uuid, reused by every delivery attempt so the platform de-duplicates retries.
 */
export async function enqueueMessages(trx: Executor, messages: OutgoingMessage[], at: Date): Promise<void> {
  if (messages.length === 0) return;
  await trx
    .insertInto("outbox")
    .values(
      messages.map((m) => ({
        topic: m.topic,
        recipientType: m.to.type,
        recipientId: m.to.id,
        payload: JSON.stringify(m.payload),
        uuid: randomUUID(),
        cardKey: m.cardKey ?? null,
        requestId: m.requestId ?? null,
        taskId: m.taskId ?? null,
        nextAttemptAt: at,
        createdAt: at,
      })),
    )
    .execute();
}
