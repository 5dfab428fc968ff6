import { sql } from "kysely";
import { attachmentAdder } from "./attachmentAdder";
import type { Command } from "./context";
import { actorUserId } from "../policies/actor";

/** Files sent in chat join the next request raised (/发起) within this window. */
export const CHAT_FILE_WINDOW_MS = 10 * 60_000;
/**
 * Files kept because the bot could not tell their request can be claimed (/附件 编号, or a button of the "which
 * request?" card) for this long; after it they are no longer offered and never join a request.
 */
export const KEPT_FILE_TTL_MS = 24 * 3600_000;

/**
 * The person's files sent in chat within the window and not yet on a request join this one (each through
 * attachmentAdder: row and audit record), in the caller's transaction. Files still downloading (queued, no request
 * yet) are pointed at this request: the download job attaches them when they arrive. Answers the names that
 * joined, and how many will join once downloaded.
 */
export const chatFilesAttacher: Command<{ requestId: number; notify?: boolean; withinMs?: number }, { names: string[]; downloading: number }> = async (deps, ctx, input) => {
  const uploaderId = actorUserId(ctx.actor);
  if (uploaderId === null) return { names: [], downloading: 0 };
  const since = new Date(deps.now().getTime() - (input.withinMs ?? CHAT_FILE_WINDOW_MS));
  // One statement for both (each /发起 runs this): the files to attach, locked, and the downloads pointed here.
  const { rows } = await sql<{ pending: Array<{ id: number; name: string; size: number; mime: string; sha256: string }>; downloading: number }>`
    with pending as (
      select id, name, size, mime, sha256 from chat_files
      where uploader_id = ${uploaderId} and attachment_id is null and created_at >= ${since}
      order by id
      for update
    ), claimed as (
      update chat_file_downloads set request_id = ${input.requestId}
      where uploader_id = ${uploaderId} and status = 'queued' and request_id is null and created_at >= ${since}
      returning 1
    )
    select (select coalesce(json_agg(p order by p.id), '[]'::json) from pending p) as pending,
      (select count(*)::int from claimed) as downloading`.execute(ctx.trx);
  const { pending, downloading } = rows[0]!;
  const names: string[] = [];
  for (const f of pending) {
    const { attachment } = await attachmentAdder(deps, ctx, {
      request: { requestId: input.requestId },
      attachedTo: "request",
      file: { name: f.name, size: Number(f.size), mime: f.mime, sha256: f.sha256.trim() },
      source: "chat",
      notify: input.notify ?? false,
    });
    await ctx.trx.updateTable("chatFiles").set({ attachmentId: attachment.id }).where("id", "=", f.id).execute();
    names.push(attachment.name);
  }
  return { names, downloading };
};
