import type { OutboxRow } from "../db/tables";

/** A parked outgoing message for the admin: what, to whom, how often tried, and the platform's last answer. */
export function presentParked(row: OutboxRow) {
  return {
    id: row.id,
    topic: row.topic,
    recipient: { type: row.recipientType, id: row.recipientId },
    requestId: row.requestId,
    attempts: row.attempts,
    lastError: row.lastError,
    parkedAt: row.parkedAt ? new Date(row.parkedAt).toISOString() : null,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
