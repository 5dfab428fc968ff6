import type { Executor } from "../client";
import type { PreviewSummary } from "../tables";

export interface UsedPreview {
  status: "confirmed" | "cancelled";
  requestId: number | null;
  number: string | null;
  summary: PreviewSummary | null;
}

/**
 * Takes the preview's key for this decision. False when the key was already used: then `usedPreview` says how.
 * Meant as the first statement of its transaction: on PostgreSQL a concurrent claim of the same key waits here
 * until the first one commits (and then finds it used) or rolls back (and then takes it).
 */
export async function claimPreview(db: Executor, key: string, userId: number, status: "confirmed" | "cancelled"): Promise<boolean> {
  const row = await db
    .insertInto("chatPreviews")
    .values({ previewKey: key, userId, status })
    .onConflict((oc) => oc.column("previewKey").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordConfirmedPreview(db: Executor, key: string, requestId: number, summary: PreviewSummary): Promise<void> {
  await db.updateTable("chatPreviews").set({ requestId, summary: JSON.stringify(summary) }).where("previewKey", "=", key).execute();
}

export async function usedPreview(db: Executor, key: string): Promise<UsedPreview> {
  const row = await db
    .selectFrom("chatPreviews")
    .leftJoin("requests", "requests.id", "chatPreviews.requestId")
    .select(["chatPreviews.status", "chatPreviews.requestId", "chatPreviews.summary", "requests.number"])
    .where("previewKey", "=", key)
    .executeTakeFirstOrThrow();
  return { status: row.status, requestId: row.requestId, number: row.number, summary: row.summary };
}
