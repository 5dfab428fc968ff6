import { sql } from "kysely";
import { storageOf, tooLarge, uploadAttachment } from "../../src/commands/attachmentUploader";
import { chatFileStager } from "../../src/commands/chatFileStager";
import { CHAT_FILE_WINDOW_MS } from "../../src/commands/chatFilesAttacher";
import { runCommand, type Deps } from "../../src/commands/context";
import { countAttachments } from "../../src/db/repositories/attachments";
import { myOpenItems } from "../../src/db/repositories/views";
import type { UserActor } from "../../src/policies/actor";
import { checkFileKind, formatBytes, HEAD_BYTES } from "../../src/storage/fileKind";
import { peekHead } from "../../src/storage/storage";
import { TooLarge } from "../../src/storage";
import type { BotMessageEvent, BotReply, ChatFileRef, ChatFileSource } from "./types";

// 附件 from chat: a file, an image, or a post with images sent to the bot. It joins the request the message is
// about: the bot's card it replies to, a number in the post's text, or (in private chat) the number named in the
// person's message just before. Otherwise it is kept and the bot asks which request it is for.

const NUMBER_IN_TEXT = /\b[A-Z][A-Z0-9]{0,9}-\d{4}-\d{6,}\b/i;

export async function handleChatFiles(deps: Deps, actor: UserActor, event: BotMessageEvent, files: ChatFileRef[], source: ChatFileSource | undefined): Promise<BotReply> {
  if (!source) return { text: "暂时无法接收聊天中的文件，请在小程序的事项页面上传附件。" };
  const number = await targetOf(deps, event);
  const fileName = (f: ChatFileRef, i: number) => f.name ?? `图片${files.length > 1 ? i + 1 : ""}`;
  if (number) {
    const names: string[] = [];
    let sensitive = false;
    let requestId = 0;
    for (const [i, f] of files.entries()) {
      const got = await source.download(event.messageId, f);
      const r = await uploadAttachment(deps, actor, { requestNumber: number, attachedTo: "request", name: fileName(f, i), body: got.body, declaredSize: got.size, source: "chat", notify: true });
      names.push(r.attachment.name);
      const req = await deps.db.kysely.selectFrom("requests").select(["id", "classification"]).where("id", "=", r.attachment.requestId).executeTakeFirstOrThrow();
      sensitive = req.classification === "sensitive";
      requestId = req.id;
    }
    const total = await countAttachments(deps.db.kysely, requestId);
    // A sensitive request's files are not named back into chat.
    const what = sensitive ? `${names.length} 个文件` : names.map((n) => `「${n}」`).join("、");
    return { text: `已将${what}附到协同事项 ${number}（现有附件 ${total} 个），相关人员已收到通知。可在小程序中查看或下载。` };
  }
  // No request in sight: keep the files for the person and ask.
  const kept: string[] = [];
  for (const [i, f] of files.entries()) {
    const got = await source.download(event.messageId, f);
    const max = deps.config.attachmentMaxBytes;
    if (got.size !== null && got.size > max) throw tooLarge(fileName(f, i), max);
    const { head, body } = await peekHead(got.body, HEAD_BYTES);
    const checked = await checkFileKind(fileName(f, i), head).catch(async (err) => {
      await body.cancel().catch(() => undefined);
      throw err;
    });
    const stored = await storageOf(deps)
      .put(body, { maxBytes: max })
      .catch((err) => {
        throw err instanceof TooLarge ? tooLarge(checked.name, max) : err;
      });
    await runCommand(deps, actor, chatFileStager, { chatId: event.chatId, file: { name: checked.name, mime: checked.mime, ...stored } });
    kept.push(`「${checked.name}」（${formatBytes(stored.size)}）`);
  }
  const { requests, tasks } = await myOpenItems(deps.db.kysely, actor);
  const open = [...new Map([...requests, ...tasks].map((r) => [r.number, r])).values()].slice(0, 8);
  const minutes = CHAT_FILE_WINDOW_MS / 60_000;
  const lines = [
    `已收到${kept.join("、")}，请告诉我附到哪个协同事项：回复 /附件 编号（${minutes} 分钟内有效）；如要发起新事项，直接发送 /发起，文件会一并附上。`,
    ...(open.length ? ["您未办结的事项：", ...open.map((r) => `· ${r.number} ${r.classification === "sensitive" ? "（涉密事项）" : r.title}`)] : []),
    `例如：/附件 ${open[0]?.number ?? "XT-2026-000001"}`,
  ];
  return { text: lines.join("\n") };
}

/**
 * Which request a file message is about: the bot's card it replies to, a number in its own text (a post), or in
 * private chat a number in the person's previous message there, sent within the last minutes.
 */
async function targetOf(deps: Deps, event: BotMessageEvent): Promise<string | null> {
  const db = deps.db.kysely;
  if (event.parentId) {
    const card = await db
      .selectFrom("outbox")
      .innerJoin("requests", "requests.id", "outbox.requestId")
      .select("requests.number")
      .where("outbox.platformMessageId", "=", event.parentId)
      .executeTakeFirst();
    if (card) return card.number;
  }
  const own = NUMBER_IN_TEXT.exec(event.text)?.[0];
  if (own) return own.toUpperCase();
  if (event.chatType !== "p2p" || !event.chatId) return null;
  const since = new Date(deps.now().getTime() - CHAT_FILE_WINDOW_MS);
  const earlier = await db
    .selectFrom("inboundEvents")
    .select(["eventId", "payload"])
    .where("eventType", "=", "im.message.receive_v1")
    .where("receivedAt", ">=", since)
    .where("eventId", "<>", event.eventId)
    .where(sql<string>`payload->'message'->>'chat_id'`, "=", event.chatId)
    .orderBy("receivedAt", "desc")
    .limit(5)
    .execute();
  for (const e of earlier) {
    const p = e.payload as { sender?: { sender_id?: { open_id?: string } }; message?: { message_type?: string; content?: string } };
    if (p.sender?.sender_id?.open_id !== event.senderOpenId) continue;
    if (p.message?.message_type !== "text") continue;
    try {
      const found = NUMBER_IN_TEXT.exec(String(JSON.parse(p.message.content ?? "{}").text ?? ""))?.[0];
      if (found) return found.toUpperCase();
    } catch {
      /* not JSON */
    }
    return null; // the message just before named no request
  }
  return null;
}
