import { CommandFailed, inOneTransaction, type Deps } from "../../src/commands/context";
import { markHandled, storeEvent, storedAnswer } from "../../src/db/repositories/inbox";
import type { OutgoingMessage } from "../../src/db/repositories/outbox";
import { DomainError } from "../../src/domain/types";
import type { InboxHandler } from "../../src/jobs/inboxWorker";
import { handleCardAction, handleMessage } from "../core/dispatch";
import type { BotMessageEvent, BotReply } from "../core/types";
import { toBotCardAction, toBotMessage } from "./events";
import { createCardRenderer } from "./render";

// Verified platform events, from the webhook or the long connection, handled once per event_id (the platform
// delivers at least once) and never half: a chat message is stored in the inbox and answered 200 at once, then
// handled by the inbox worker in one transaction with its reply; a card click is answered in the response,
// its de-duplication mark, the command's writes and the re-rendered card computed in one transaction.

export interface InboundOptions {
  botName: string;
  /** called once an event is stored, so the inbox worker handles it right away */
  kick: () => void;
}

const MESSAGE = "im.message.receive_v1";
const CARD_ACTION = "card.action.trigger";

/**
 * What the platform gets back for a verified event. The platform waits for it (3 s), so its database work goes
 * before queued background work (Db.answering: on PGlite, a gate; on PostgreSQL, the same pool).
 */
export async function acceptEvent(plain: Deps, opts: InboundOptions, eventId: string, type: string, event: unknown): Promise<Record<string, unknown>> {
  const deps = plain.db.answering ? { ...plain, db: plain.db.answering } : plain;
  if (type === CARD_ACTION) return answerCardOnce(deps, opts, eventId, event);
  if (type !== MESSAGE) return {}; // not subscribed: nothing to do
  await storeEvent(deps.db.kysely, { eventId, eventType: type, payload: event, at: deps.now() });
  opts.kick();
  return {};
}

async function answerCardOnce(deps: Deps, opts: InboundOptions, eventId: string, event: unknown): Promise<Record<string, unknown>> {
  const earlier = await storedAnswer(deps.db.kysely, eventId);
  if (earlier !== undefined) return earlier as Record<string, unknown>; // a redelivered click: the same answer, no second action
  const at = deps.now();
  const record = { eventId, eventType: CARD_ACTION, payload: event, at, handled: true };
  try {
    const answer = await inOneTransaction(
      deps,
      async (bound, trx) => {
        // Clicked twice at once (PostgreSQL): the second insert waits for the first and finds it done.
        if (!(await storeEvent(trx, record))) return null;
        const a = await handleCardAction(bound, toBotCardAction(eventId, event), createCardRenderer(bound));
        return { toast: a.toast, ...(a.card ? { card: { type: "raw", data: a.card } } : {}) };
      },
      async (trx, a) => {
        if (a) await markHandled(trx, eventId, at, { answer: a });
        return a;
      },
    );
    opts.kick();
    return answer ?? ((await storedAnswer(deps.db.kysely, eventId)) as Record<string, unknown> | undefined) ?? {};
  } catch (err) {
    // A refusal: what the command wrote is rolled back; the click is recorded with the toast explaining why.
    if (!(err instanceof CommandFailed) || !(err.cause instanceof DomainError)) throw err;
    const answer = err.answer as Record<string, unknown>;
    const fresh = await deps.db.transaction((trx) => storeEvent(trx, { ...record, answer }));
    return fresh ? answer : (((await storedAnswer(deps.db.kysely, eventId)) as Record<string, unknown> | undefined) ?? {});
  }
}

/** The inbox worker's handler for stored chat messages: the bot's reply, sent in the event's transaction. */
export function createInboxHandler(botName: string): InboxHandler {
  return {
    async handle(deps, row) {
      if (row.eventType !== MESSAGE) return [];
      const message = toBotMessage(row.eventId, row.payload, botName);
      if (!message || !replyTarget(message)) return [];
      const reply = await handleMessage(deps, message);
      return reply ? [replyMessage(message, reply)] : [];
    },
    giveUp(row) {
      const message = row.eventType === MESSAGE ? toBotMessage(row.eventId, row.payload, botName) : null;
      if (!message || !replyTarget(message)) return [];
      return [replyMessage(message, { text: "抱歉，这条消息多次处理都没有成功，系统已停止重试，相关操作没有生效。请稍后重新发送；如果问题持续，请联系管理员。" })];
    },
  };
}

/** Where the answer goes: the chat the message came from, or (an event without chat_id) the sender. */
function replyTarget(m: BotMessageEvent): OutgoingMessage["to"] | null {
  if (m.chatId) return { type: "chat_id", id: m.chatId };
  return m.senderOpenId ? { type: "open_id", id: m.senderOpenId } : null;
}

function replyMessage(m: BotMessageEvent, reply: BotReply): OutgoingMessage {
  return { topic: "bot.reply", to: replyTarget(m)!, payload: { reply, ...(m.messageId ? { replyTo: m.messageId } : {}) } };
}
