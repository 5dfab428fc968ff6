import type { Transaction } from "kysely";
import { countAttachments } from "../db/repositories/attachments";
import { loadUserActor } from "../db/repositories/org";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import { myOpenItems, requestDetail } from "../db/repositories/views";
import type { ChatFileDownloadTable, Database } from "../db/tables";
import type { Selectable } from "kysely";
import { DomainError } from "../domain/types";
import type { UserActor } from "../policies/actor";
import { TooLarge } from "../storage";
import { ALLOWED_WORDS, checkFileKind, formatBytes, HEAD_BYTES } from "../storage/fileKind";
import { peekHead } from "../storage/storage";
import { attachmentAdder } from "./attachmentAdder";
import { storageOf, tooLarge } from "./attachmentUploader";
import type { Deps } from "./context";

// 附件 from chat, the download half. Handling the chat message only queues a row (queueChatFiles, in the event's
// transaction); downloadNextChatFile leases one row, downloads it through the platform, streams it into storage
// with the same checks as any upload, and in ONE transaction attaches it (or keeps it and asks which request),
// with its audit record and the message to the person in the outbox, and marks the row done.

/** Downloads one file or image of a chat message from the platform, streamed (the bot runtime implements it). */
export interface ChatFileFetcher {
  download(messageId: string, file: { key: string; kind: "file" | "image"; name: string | null }): Promise<{ body: ReadableStream<Uint8Array>; size: number | null }>;
  /** told when this process queued downloads (in a transaction not yet committed), so its job looks for them soon */
  queued?(): void;
}

/** Tries of a download before the person is told it failed; waits between them grow (BACKOFF_MS · 2^(try-1)). */
export const DOWNLOAD_ATTEMPTS = 5;
export const BACKOFF_MS = 5_000;
/** How long a download may take before another server may take the row over (a crashed server's lease ends). */
export const DOWNLOAD_LEASE_MS = 5 * 60_000;

type DownloadRow = Selectable<ChatFileDownloadTable>;
type Trx = Transaction<Database>;

export interface QueuedFile {
  key: string;
  kind: "file" | "image";
  name: string;
}

/** Queues the files of one chat message, in the caller's (the event's) transaction. A redelivery queues nothing twice. */
export async function queueChatFiles(
  trx: Trx | Deps["db"]["kysely"],
  at: Date,
  v: { actor: UserActor; chatId: string; messageId: string; requestId: number | null; files: QueuedFile[] },
): Promise<void> {
  if (!v.files.length) return;
  await trx
    .insertInto("chatFileDownloads")
    .values(
      v.files.map((f) => ({
        uploaderId: v.actor.id,
        uploaderOpenId: v.actor.openId,
        chatId: v.chatId,
        messageId: v.messageId,
        fileKey: f.key,
        kind: f.kind,
        name: f.name,
        requestId: v.requestId,
        status: "queued" as const,
        nextAttemptAt: at,
        createdAt: at,
      })),
    )
    .onConflict((oc) => oc.columns(["messageId", "fileKey"]).doNothing())
    .execute();
}

/** Takes the next due row: its lease (next_attempt_at moved ahead, attempts counted) commits before the download. */
async function leaseNext(deps: Deps): Promise<DownloadRow | undefined> {
  const now = deps.now();
  return deps.db.transaction(async (trx) => {
    const row = await trx
      .selectFrom("chatFileDownloads")
      .selectAll()
      .where("status", "=", "queued")
      .where("nextAttemptAt", "<=", now)
      .orderBy("id")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return undefined;
    return trx
      .updateTable("chatFileDownloads")
      .set({ attempts: row.attempts + 1, nextAttemptAt: new Date(now.getTime() + DOWNLOAD_LEASE_MS) })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Locks the row again for its outcome; undefined when another server already finished it. */
async function relock(trx: Trx, row: DownloadRow): Promise<DownloadRow | undefined> {
  return trx.selectFrom("chatFileDownloads").selectAll().where("id", "=", row.id).where("status", "=", "queued").forUpdate().executeTakeFirst();
}

const tell = (row: DownloadRow, reply: OutgoingMessage["payload"]["reply"] | Record<string, unknown>, topic = "bot.reply"): OutgoingMessage => ({
  topic,
  to: { type: "chat_id", id: row.chatId },
  payload: topic === "bot.reply" ? { reply, replyTo: row.messageId } : { ...(reply as Record<string, unknown>), replyTo: row.messageId },
});

const label = (row: DownloadRow) => (row.kind === "image" ? "图片" : `文件「${row.name}」`);

/** One due download, start to end. Answers false when nothing was due. */
export async function downloadNextChatFile(deps: Deps): Promise<boolean> {
  if (!deps.chatFiles) return false;
  const row = await leaseNext(deps);
  if (!row) return false;
  const max = deps.config.attachmentMaxBytes;
  let stored: { sha256: string; size: number; name: string; mime: string };
  try {
    const got = await deps.chatFiles.download(row.messageId, { key: row.fileKey, kind: row.kind, name: row.kind === "image" ? null : row.name });
    if (got.size !== null && got.size > max) {
      await got.body.cancel().catch(() => undefined);
      throw tooLarge(row.name, max);
    }
    const { head, body } = await peekHead(got.body, HEAD_BYTES);
    const checked = await checkFileKind(row.name, head).catch(async (err) => {
      await body.cancel().catch(() => undefined);
      throw err;
    });
    const put = await storageOf(deps)
      .put(body, { maxBytes: max })
      .catch((err) => {
        throw err instanceof TooLarge ? tooLarge(checked.name, max) : err;
      });
    stored = { ...put, name: checked.name, mime: checked.mime };
  } catch (err) {
    await settleFailure(deps, row, err);
    return true;
  }
  try {
    await deps.db.transaction(async (trx) => {
      const fresh = await relock(trx, row);
      if (!fresh) return; // finished by another server whose lease ran out on us: attached once
      const messages = await placeFile(deps, trx, fresh, stored);
      await trx.updateTable("chatFileDownloads").set({ status: "done", finishedAt: deps.now(), lastError: null }).where("id", "=", fresh.id).execute();
      await enqueueMessages(trx, messages, deps.now());
    });
  } catch (err) {
    // The request refused it (closed, or the person no longer takes part): rolled back, and the person told why.
    if (!(err instanceof DomainError)) throw err;
    await settleFailure(deps, row, err);
  }
  return true;
}

/** A platform failure worth trying again: the platform unreachable or timed out, a 5xx or a 429 (bot/lark/platformError.ts). */
function retryable(err: unknown): boolean {
  if (!(err instanceof DomainError)) return true;
  return err.code === "platform_unreachable" || (err.code === "platform_error" && /HTTP (5\d\d|429)/.test(err.message));
}

/**
 * A refused file (too big, a type not allowed) is answered at once with what is allowed; a platform failure is
 * tried again later with growing waits, and after the last try (or a platform refusal) the person is told to resend.
 */
async function settleFailure(deps: Deps, row: DownloadRow, err: unknown): Promise<void> {
  const reason = err instanceof Error ? err.message : String(err);
  const platform = err instanceof DomainError && err.code.startsWith("platform_");
  await deps.db.transaction(async (trx) => {
    const fresh = await relock(trx, row);
    if (!fresh) return;
    if (!retryable(err) && !platform) {
      await trx.updateTable("chatFileDownloads").set({ status: "refused", finishedAt: deps.now(), lastError: reason }).where("id", "=", row.id).execute();
      const text = `${label(row)}未能附上：${reason}\n可以上传的类型：${ALLOWED_WORDS}，单个文件不超过 ${formatBytes(deps.config.attachmentMaxBytes)}。`;
      await enqueueMessages(trx, [tell(row, { text })], deps.now());
      return;
    }
    if (!retryable(err) || fresh.attempts >= DOWNLOAD_ATTEMPTS) {
      await trx.updateTable("chatFileDownloads").set({ status: "failed", finishedAt: deps.now(), lastError: reason }).where("id", "=", row.id).execute();
      const tries = retryable(err) ? `（已重试 ${DOWNLOAD_ATTEMPTS} 次）` : "";
      const text = `抱歉，${label(row)}从飞书下载失败${tries}，没有附上。请稍后把文件重新发给我（回复事项卡片发送即可附到该事项）；也可以在小程序的事项页面直接上传。`;
      await enqueueMessages(trx, [tell(row, { text })], deps.now());
      return;
    }
    const wait = BACKOFF_MS * 2 ** (fresh.attempts - 1);
    await trx
      .updateTable("chatFileDownloads")
      .set({ nextAttemptAt: new Date(deps.now().getTime() + wait), lastError: reason })
      .where("id", "=", row.id)
      .execute();
  });
}

/**
 * The stored file onto its request (the person must still be allowed to see it), or, with no request known, kept
 * for the person (chat_files) with a card asking which request it is for.
 */
async function placeFile(deps: Deps, trx: Trx, row: DownloadRow, file: { sha256: string; size: number; name: string; mime: string }): Promise<OutgoingMessage[]> {
  const actor = await loadUserActor(trx, { openId: row.uploaderOpenId }, deps.now());
  const request = row.requestId ? await trx.selectFrom("requests").select(["id", "number"]).where("id", "=", row.requestId).executeTakeFirst() : undefined;
  const visible = actor && request ? await requestDetail(trx, actor, request.number) : null;
  if (actor && visible) {
    const { attachment } = await attachmentAdder(deps, { actor, trx }, { request: { requestId: visible.id }, attachedTo: "request", file, source: "chat", notify: true });
    const total = await countAttachments(trx, visible.id);
    // A sensitive request's files are not named back into chat.
    const what = visible.classification === "sensitive" ? "文件" : `「${attachment.name}」`;
    return [tell(row, { text: `已将${what}附到协同事项 ${visible.number}（现有附件 ${total} 个），相关人员已收到通知。可在小程序中查看或下载。` })];
  }
  if (!actor) return [];
  await trx.insertInto("chatFiles").values({ uploaderId: row.uploaderId, chatId: row.chatId, ...file, createdAt: deps.now(), attachmentId: null }).execute();
  return [tell(row, await whichRequestPayload(trx, actor, file.name, file.size), "chatfile.which_request")];
}

/** How many open requests the "which request?" card offers, newest first. */
export const WHICH_REQUEST_CHOICES = 10;

/** What the "which request?" card shows (rendered by bot/presenters/chatFileCard.ts): the person's open requests. */
export async function whichRequestPayload(db: Trx, actor: UserActor, name: string, size: number) {
  const { requests, tasks } = await myOpenItems(db, actor);
  const seen = new Map<string, { number: string; title: string }>();
  for (const r of [...requests, ...tasks]) {
    if (seen.has(r.number)) continue;
    // sensitive titles are never shown in chat
    seen.set(r.number, { number: r.number, title: r.classification === "sensitive" ? "（涉密事项）" : r.title });
  }
  const choices = [...seen.values()].sort((a, b) => (a.number < b.number ? 1 : -1)).slice(0, WHICH_REQUEST_CHOICES);
  return { file: `${name}（${formatBytes(size)}）`, choices, owner: actor.openId };
}
