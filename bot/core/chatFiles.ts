import { sql } from "kysely";
import { queueChatFiles } from "../../src/commands/chatFileDownloads";
import { CHAT_FILE_WINDOW_MS } from "../../src/commands/chatFilesAttacher";
import type { Deps } from "../../src/commands/context";
import { requestDetail } from "../../src/db/repositories/views";
import { DomainError } from "../../src/domain/types";
import type { UserActor } from "../../src/policies/actor";
import type { BotMessageEvent, BotReply, ChatFileRef } from "./types";

// 附件 from chat: a file, an image, or a post with images sent to the bot. It joins the request the message is
// about: the bot's card it replies to, a number in the post's text, or (in private chat) the number named in the
// person's message just before. Otherwise it is kept and the bot asks which request it is for.
// Handling the message only queues the files (in the event's transaction, within the platform's 3 s): the
// download job (src/commands/chatFileDownloads.ts) fetches them, checks and stores them, and answers.

const NUMBER_IN_TEXT = /\b[A-Z][A-Z0-9]{0,9}-\d{4}-\d{6,}\b/i;

export async function handleChatFiles(deps: Deps, actor: UserActor, event: BotMessageEvent, files: ChatFileRef[]): Promise<BotReply | null> {
  const number = await targetOf(deps, event);
  let requestId: number | null = null;
  if (number) {
    // A request the person may not see is refused as if it did not exist, before anything is downloaded.
    const visible = await requestDetail(deps.db.kysely, actor, number);
    if (!visible) throw new DomainError("not_found", `找不到编号为 ${number} 的协同事项，或您无权查看，文件没有附上。`, { example: "回复事项卡片发送文件，或先发送 /附件 XT-2026-000001 再发文件" });
    requestId = visible.id;
  }
  const images = files.filter((f) => f.kind === "image").length;
  let image = 0;
  await queueChatFiles(deps.db.kysely, deps.now(), {
    actor,
    chatId: event.chatId,
    messageId: event.messageId,
    requestId,
    files: files.map((f) => ({ key: f.key, kind: f.kind, name: f.name ?? `图片${images > 1 ? ++image : ""}` })),
  });
  deps.chatFiles?.queued?.();
  return null; // the download job confirms, refuses or asks
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
    // Read back through the CamelCasePlugin, the stored event's keys come camelCased (senderId, messageType).
    const p = e.payload as { sender?: { senderId?: { openId?: string } }; message?: { messageType?: string; content?: string } };
    if (p.sender?.senderId?.openId !== event.senderOpenId) continue;
    if (p.message?.messageType !== "text") continue;
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
