import type { BotCardActionEvent, BotMessageEvent } from "../core/types";

// Platform events (schema 2.0, or the SDK's flattened form in long-connection mode) -> platform-neutral BotEvents.

interface Mention {
  key: string;
  name: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
}

export function toBotMessage(eventId: string, event: any, botName: string): BotMessageEvent | null {
  const message = event?.message;
  if (!message || event?.sender?.sender_type === "app") return null;
  let text = "";
  try {
    text = message.message_type === "text" ? String(JSON.parse(message.content).text ?? "") : "";
  } catch {
    text = "";
  }
  const mentions: Mention[] = Array.isArray(message.mentions) ? message.mentions : [];
  // A bot has no user_id on the platform; a person mentioned in the text does (or at least is not named like us).
  const isBot = (m: Mention) => m.name === botName || !m.id?.user_id;
  let mentionedBot = false;
  const people: BotMessageEvent["mentions"] = [];
  for (const m of mentions) {
    if (isBot(m)) {
      mentionedBot = true;
      text = text.split(m.key).join("");
    } else {
      text = text.split(m.key).join(`@${m.name}`);
      if (m.id?.open_id) people.push({ name: m.name, openId: m.id.open_id });
    }
  }
  return {
    kind: "message",
    eventId,
    senderOpenId: event.sender?.sender_id?.open_id ?? "",
    chatId: message.chat_id ?? "",
    chatType: message.chat_type === "group" ? "group" : "p2p",
    messageId: message.message_id ?? "",
    text: text.replace(/\s+/g, " ").trim(),
    mentionedBot,
    mentions: people,
  };
}

export function toBotCardAction(eventId: string, event: any): BotCardActionEvent {
  const action = event?.action ?? {};
  let value = action.value ?? {};
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      value = {};
    }
  }
  return {
    kind: "cardAction",
    eventId,
    operatorOpenId: event?.operator?.open_id ?? "",
    chatId: event?.context?.open_chat_id ?? null,
    messageId: event?.context?.open_message_id ?? null,
    value,
    name: action.name ?? null,
    formValue: action.form_value ?? {},
  };
}
