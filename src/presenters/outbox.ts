import type { OutboxRow } from "../db/tables";

const iso = (t: Date | string | null) => (t ? new Date(t).toISOString() : null);

/**
 * A parked outgoing message for the admin: what, to whom, why it was parked, how often it really failed and how
 * often the platform only asked us to wait, and the platform's last answer.
 */
export function presentParked(row: OutboxRow) {
  return {
    id: row.id,
    topic: row.topic,
    recipient: { type: row.recipientType, id: row.recipientId },
    requestId: row.requestId,
    parkReason: row.parkReason,
    attempts: row.attempts,
    waits: row.waits,
    lastError: row.lastError,
    firstFailedAt: iso(row.firstFailedAt),
    parkedAt: iso(row.parkedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
