import type { Executor } from "../client";
import type { AttachedTo, AttachmentRow } from "../tables";

export interface NewAttachment {
  requestId: number;
  taskId: number | null;
  attachedTo: AttachedTo;
  uploaderId: number;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  source: "chat" | "miniapp" | "api";
  at: Date;
}

export async function insertAttachment(db: Executor, a: NewAttachment): Promise<AttachmentRow> {
  const { at, ...rest } = a;
  return db.insertInto("attachments").values({ ...rest, createdAt: at }).returningAll().executeTakeFirstOrThrow();
}

export type AttachmentListItem = AttachmentRow & { uploaderName: string };

/** A request's files, oldest first, with who uploaded them. The caller has checked that the reader may see the request. */
export async function attachmentsOfRequest(db: Executor, requestId: number): Promise<AttachmentListItem[]> {
  return db
    .selectFrom("attachments")
    .innerJoin("users", "users.id", "attachments.uploaderId")
    .selectAll("attachments")
    .select("users.name as uploaderName")
    .where("attachments.requestId", "=", requestId)
    .orderBy("attachments.id")
    .execute();
}

export async function countAttachments(db: Executor, requestId: number): Promise<number> {
  const r = await db.selectFrom("attachments").select((eb) => eb.fn.countAll<string>().as("n")).where("requestId", "=", requestId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findAttachment(db: Executor, id: number): Promise<AttachmentRow | undefined> {
  return db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();
}
