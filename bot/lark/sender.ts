import type * as lark from "@larksuiteoapi/node-sdk";
import type { Deps } from "../../src/commands/context";
import type { OutboxRow } from "../../src/db/tables";
import type { MessageSender, SendOutcome } from "../../src/jobs/outboxDelivery";
import { CARD_FILE_TOPICS, cardFilesOf, renderOutboxMessage } from "./render";

/** Errors the platform will give again however often we ask: park the message for an admin. */
const PERMANENT_CODES = new Set([230001, 230002, 230006, 230013, 230025, 230099, 99991672]);
/** The message to reply to or patch is gone (withdrawn or deleted). */
const MESSAGE_GONE = 230011;
/** Too many messages to one chat or user (5/s, shared by all bots): wait, it is no failure. */
const RECIPIENT_RATE_LIMITED = 230020;
/** The urgent notice after a delivered message: its own few retries, a short pause apart. */
const URGENT_ATTEMPTS = 3;
const URGENT_RETRY_MS = 300;
/** Token errors: the SDK never refreshes after them, so drop our cached token and retry. */
const TOKEN_CODES = new Set([99991663, 99991664, 99991661]);

/**
 * Sends outbox messages with the real SDK: a new card or text, a reply, or a patch of the card sent earlier
 * under the same cardKey. Every send carries the outbox row's uuid, so a retry never shows twice.
 */
export function createLarkSender(deps: Deps, client: lark.Client, tokenCache: { clear(): void }): MessageSender {
  const db = deps.db.kysely;
  return {
    async send(row: OutboxRow): Promise<SendOutcome> {
      // A card about a request shows its files as they are when it is sent (a form's files follow its action).
      const files = row.requestId !== null && CARD_FILE_TOPICS.has(row.topic) ? await cardFilesOf(db, row.requestId, deps.config.publicUrl) : undefined;
      const msg = renderOutboxMessage(row, files);
      try {
        if (row.cardKey) {
          const original = await db
            .selectFrom("outbox")
            .select(["id", "platformMessageId", "deliveredAt", "parkedAt"])
            .where("cardKey", "=", row.cardKey)
            .where("recipientId", "=", row.recipientId)
            .where("id", "<", row.id)
            .orderBy("id")
            .executeTakeFirst();
          // An update must not overtake the card it updates, or the card would appear twice. Waiting for it is
          // no failure of this message.
          if (original && !original.deliveredAt && !original.parkedAt) {
            return { ok: false, wait: "recipient", error: "等待原卡片先送达", retryAfterMs: 1000 };
          }
          if (original?.platformMessageId) {
            const res = await client.im.v1.message.patch({ path: { message_id: original.platformMessageId }, data: { content: msg.content } });
            if (res.code === 0) return { ok: true, platformMessageId: original.platformMessageId };
            // Too old to patch (14 days) or not patchable: say it anew below.
            if (!PERMANENT_CODES.has(res.code ?? 0) && res.code !== 230031 && res.code !== MESSAGE_GONE) return failure(res.code, res.msg);
          }
        }
        const create = () =>
          client.im.v1.message.create({
            params: { receive_id_type: row.recipientType },
            data: { receive_id: row.recipientId, msg_type: msg.msgType, content: msg.content, uuid: row.uuid },
          });
        let res;
        try {
          res = msg.replyTo
            ? await client.im.v1.message.reply({ path: { message_id: msg.replyTo }, data: { content: msg.content, msg_type: msg.msgType, uuid: row.uuid } })
            : await create();
        } catch (err) {
          // The message being answered was withdrawn: answer in the chat instead.
          if (msg.replyTo && codeOf(err) === MESSAGE_GONE) res = await create();
          else throw err;
        }
        if (res.code === MESSAGE_GONE && msg.replyTo) res = await create();
        if (res.code !== 0) return failure(res.code, res.msg);
        const messageId = res.data?.message_id ?? null;
        return { ok: true, platformMessageId: messageId, urgentStatus: messageId && row.urgent?.length ? await urgentNotice(messageId, row.urgent) : null };
      } catch (err) {
        return fromThrown(err);
      }
    },
  };

  /**
   * 加急 (urgent_app) on a message just delivered. Best effort, apart from the message: the message is delivered
   * whatever happens here, so it is never sent again nor parked for it. Its own retries: up to URGENT_ATTEMPTS
   * at once for what may pass (5xx, network, rate limits), none for what the platform will refuse again (230002
   * bot not in the chat, …). The outcome is kept on the outbox row (urgent_status) for the admin.
   */
  async function urgentNotice(messageId: string, openIds: string[]): Promise<string> {
    let last = "";
    for (let attempt = 1; attempt <= URGENT_ATTEMPTS; attempt++) {
      try {
        const res = await client.im.v1.message.urgentApp({ path: { message_id: messageId }, params: { user_id_type: "open_id" }, data: { user_id_list: openIds } });
        if (res.code === 0) {
          const invalid = res.data?.invalid_user_id_list ?? [];
          return invalid.length ? `sent; invalid: ${invalid.join(",")}` : "sent";
        }
        last = `${res.code} ${res.msg ?? ""}`.trim();
        if (res.code !== undefined && TOKEN_CODES.has(res.code)) tokenCache.clear();
        else if (PERMANENT_CODES.has(res.code ?? 0)) break;
      } catch (err) {
        const e = err as { response?: { status?: number; data?: { code?: number; msg?: string } }; message?: string };
        last = `${e.response?.data?.code ?? e.response?.status ?? ""} ${e.response?.data?.msg ?? e.message ?? ""}`.trim();
        const code = e.response?.data?.code;
        if (code !== undefined && TOKEN_CODES.has(code)) tokenCache.clear();
        else if (code !== undefined && PERMANENT_CODES.has(code)) break;
      }
      if (attempt < URGENT_ATTEMPTS) await new Promise((r) => setTimeout(r, URGENT_RETRY_MS * attempt));
    }
    return `failed: ${last}`;
  }

  function failure(code: number | undefined, message: string | undefined): SendOutcome {
    if (code !== undefined && TOKEN_CODES.has(code)) tokenCache.clear();
    if (code === RECIPIENT_RATE_LIMITED) return { ok: false, wait: "recipient", error: `${code} ${message ?? ""}`.trim(), retryAfterMs: 1000 };
    return { ok: false, retryable: !PERMANENT_CODES.has(code ?? 0), error: `${code ?? "?"} ${message ?? ""}`.trim() };
  }

  function fromThrown(err: unknown): SendOutcome {
    const e = err as { response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, string> }; code?: string; message?: string };
    const status = e.response?.status;
    if (!status) return { ok: false, retryable: true, error: `网络错误或超时：${e.code ?? ""} ${e.message ?? ""}`.trim() };
    const code = e.response?.data?.code;
    // The app sends too fast: every worker waits until the platform's window resets (x-ogw-ratelimit-reset, seconds).
    if (status === 429 || code === 99991400) {
      const reset = Number(e.response?.headers?.["x-ogw-ratelimit-reset"]);
      return { ok: false, wait: "app", error: `429 限流 ${code ?? ""}`.trim(), ...(reset > 0 ? { retryAfterMs: reset * 1000 } : {}) };
    }
    if (status >= 500) return { ok: false, retryable: true, error: `${status} ${e.response?.data?.msg ?? ""}`.trim() };
    return failure(code ?? status, e.response?.data?.msg);
  }
}

function codeOf(err: unknown): number | undefined {
  return (err as { response?: { data?: { code?: number } } }).response?.data?.code;
}
