import type { Executor } from "../client";

export async function insertComment(
  db: Executor,
  c: { requestId: number; taskId: number | null; authorId: number; kind: "comment" | "info_request" | "info_supply"; body: string; at: Date },
): Promise<number> {
  const row = await db
    .insertInto("comments")
    .values({ requestId: c.requestId, taskId: c.taskId, authorId: c.authorId, kind: c.kind, body: c.body, createdAt: c.at })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
