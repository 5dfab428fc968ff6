import type { Deps } from "../../src/commands/context";
import type { UserActor } from "../../src/policies/actor";

// The bot's platform-neutral vocabulary: bot/lark turns platform events into these and these into messages.
// Nothing here (nor in bot/commands) imports the Lark SDK.

export interface BotMessageEvent {
  kind: "message";
  eventId: string;
  senderOpenId: string;
  chatId: string;
  chatType: "p2p" | "group";
  messageId: string;
  /** the text with the bot's own mention removed and other mentions replaced by "@名字" */
  text: string;
  mentionedBot: boolean;
  /** people mentioned in the text (not the bot) */
  mentions: Array<{ name: string; openId: string }>;
  /** files and images in the message (file, image, or a post with images) */
  files?: ChatFileRef[];
  /** the message this one replies to (a reply to one of the bot's cards names its request) */
  parentId?: string | null;
}

/** A file or image in a chat message, fetched through the platform (ChatFileSource). */
export interface ChatFileRef {
  key: string;
  kind: "file" | "image";
  /** the file's name; images have none */
  name: string | null;
}

/** Downloads a file or image of a message from the platform, streamed. */
export interface ChatFileSource {
  download(messageId: string, file: ChatFileRef): Promise<{ body: ReadableStream<Uint8Array>; size: number | null }>;
}

export interface BotCardActionEvent {
  kind: "cardAction";
  eventId: string;
  operatorOpenId: string;
  chatId: string | null;
  messageId: string | null;
  /** the button's callback value */
  value: Record<string, unknown>;
  /** the name of the pressed submit button, in forms */
  name: string | null;
  formValue: Record<string, unknown>;
}

export type BotEvent = BotMessageEvent | BotCardActionEvent;

/** A card in the platform-neutral form the chat presenters produce (Card JSON 2.0 is a plain object). */
export type Card = Record<string, unknown>;

export type BotReply = { text: string } | { card: Card };

/** What a card click answers at once: a toast, and the card as it should now look. */
export interface CardActionAnswer {
  toast: { type: "success" | "error" | "info" | "warning"; content: string };
  card?: Card;
}

export interface ChatCommandContext {
  deps: Deps;
  actor: UserActor;
  event: BotMessageEvent;
}

/** One chat command: its names, its help, and what it does with the text after its name. */
export interface ChatCommand {
  /** Chinese name first, then aliases (Chinese and English) */
  names: string[];
  summary: string;
  usage: string;
  examples: string[];
  run(ctx: ChatCommandContext, args: string): Promise<BotReply>;
}
