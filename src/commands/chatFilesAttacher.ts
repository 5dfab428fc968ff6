import { attachmentAdder } from "./attachmentAdder";
import type { Command } from "./context";
import { actorUserId } from "../policies/actor";

/** Files sent in chat join the next request named within this window. */
export const CHAT_FILE_WINDOW_MS = 10 * 60_000;

/**
 * The person's files sent in chat within the last minutes and not yet on a request join this one (each through
 * attachmentAdder: row and audit record), in the caller's transaction. Answers the names that joined.
 */
export const chatFilesAttacher: Command<{ requestId: number; notify?: boolean }, { names: string[] }> = async (deps, ctx, input) => {
  const uploaderId = actorUserId(ctx.actor);
  if (uploaderId === null) return { names: [] };
  const pending = await ctx.trx
    .selectFrom("chatFiles")
    .selectAll()
    .where("uploaderId", "=", uploaderId)
    .where("attachmentId", "is", null)
    .where("createdAt", ">=", new Date(deps.now().getTime() - CHAT_FILE_WINDOW_MS))
    .orderBy("id")
    .forUpdate()
    .execute();
  const names: string[] = [];
  for (const f of pending) {
    const { attachment } = await attachmentAdder(deps, ctx, {
      request: { requestId: input.requestId },
      attachedTo: "request",
      file: { name: f.name, size: f.size, mime: f.mime, sha256: f.sha256.trim() },
      source: "chat",
      notify: input.notify ?? false,
    });
    await ctx.trx.updateTable("chatFiles").set({ attachmentId: attachment.id }).where("id", "=", f.id).execute();
    names.push(attachment.name);
  }
  return { names };
};
