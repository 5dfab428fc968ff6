import type { BotCardActionEvent, BotMessageEvent, ChatFileRef } from "../core/types";

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
  let files: ChatFileRef[] = [];
  try {
    const content = JSON.parse(message.content);
    if (message.message_type === "text") text = String(content.text ?? "");
    else if (message.message_type === "file" && content.file_key) files = [{ key: String(content.file_key), kind: "file", name: content.file_name ? String(content.file_name) : null }];
    else if (message.message_type === "image" && content.image_key) files = [{ key: String(content.image_key), kind: "image", name: null }];
    else if (message.message_type === "post") ({ text, files } = readPost(content));
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
    ...(files.length ? { files } : {}),
    parentId: message.parent_id ?? null,
  };
}

/** A rich-text (post) message: its words and its images. Content is {title, content: [[elements]]}, or keyed by locale. */
function readPost(content: any): { text: string; files: ChatFileRef[] } {
  const body = Array.isArray(content?.content) ? content : (Object.values(content ?? {}).find((v: any) => Array.isArray(v?.content)) as any);
  const words: string[] = body?.title ? [String(body.title)] : [];
  const files: ChatFileRef[] = [];
  for (const line of body?.content ?? []) {
    for (const el of Array.isArray(line) ? line : []) {
      if (el?.tag === "text" || el?.tag === "a") words.push(String(el.text ?? ""));
      else if (el?.tag === "img" && el.image_key) files.push({ key: String(el.image_key), kind: "image", name: null });
      else if (el?.tag === "media" && el.file_key) files.push({ key: String(el.file_key), kind: "file", name: null });
    }
  }
  return { text: words.join(" "), files };
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
