import { randomBytes } from "node:crypto";

// The sandbox platform's memory: people, chats, messages, tokens. It lives as long as the process.

export interface SandboxUser {
  openId: string;
  name: string;
  departmentIds?: string[];
}

export interface SandboxChat {
  chatId: string;
  name: string;
  type: "p2p" | "group";
  /** open ids; the bot is always a member of the chats it is in */
  members: string[];
}

export interface SandboxMessage {
  message_id: string;
  chat_id: string;
  msg_type: string;
  content: string;
  sender: { id: string; id_type: "open_id" | "app_id"; sender_type: "user" | "app" };
  create_time: string;
  update_time: string;
  updated: boolean;
  deleted: boolean;
  uuid?: string;
  root_id?: string;
  parent_id?: string;
}

export interface FailureSpec {
  status: 429 | 500 | "timeout";
  count: number;
  rateLimitResetSeconds?: number;
}

/** The platform failing every send and patch during a span of its clock (from inclusive, until exclusive, ms). */
export interface FaultSpan {
  status: 429 | 500;
  from: number;
  until: number;
  /** 429: the x-ogw-ratelimit-reset header (seconds); default 1 */
  rateLimitResetSeconds?: number;
}

/**
 * The platform's send quotas (lark-platform.md): sends, replies and patches per second to one chat (5, shared by
 * every bot; 230020 beyond it) and for the whole app (about 50; 429 with 99991400). Counted over a sliding second
 * of the platform's clock, as the platform receives them; refused calls do not count.
 */
export interface RateLimits {
  perChat: number;
  perApp: number;
}

/** One send, reply or patch as it reached the platform, answered or not. */
export interface SendRecord {
  at: number;
  kind: "create" | "reply" | "patch";
  /** the chat it went to, when known */
  chatId: string | null;
  uuid: string | null;
  /** the message patched */
  messageId: string | null;
  status: number;
}

/** An urgent notice (加急, urgent_app) the bot asked for on one of its own messages. */
export interface UrgentNotice {
  at: number;
  messageId: string;
  chatId: string;
  openIds: string[];
}

export const id = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;

export class SandboxStore {
  readonly users = new Map<string, SandboxUser>();
  readonly chats = new Map<string, SandboxChat>();
  readonly messages: SandboxMessage[] = [];
  readonly tenantTokens = new Map<string, number>(); // token -> expires at (ms)
  readonly userTokens = new Map<string, { openId: string; expiresAt: number }>();
  readonly authCodes = new Map<string, { openId: string; expiresAt: number; used: boolean }>();
  readonly sendUuids = new Map<string, { messageId: string; at: number }>();
  /** card update tokens handed out with clicks: 30 minutes, two uses */
  readonly cardTokens = new Map<string, { messageId: string; expiresAt: number; uses: number }>();
  failures: FailureSpec | null = null;
  /** failures injected into sign-in (the code exchange), apart from those of sends */
  signInFailures: FailureSpec | null = null;
  /** injected failures of the contact directory's list routes (org sync) */
  contactFailures: FailureSpec | null = null;
  /** failures injected into chat file downloads (GET …/resources/:file_key), apart from those of sends */
  resourceFailures: FailureSpec | null = null;
  faultSpans: FaultSpan[] = [];
  /** off unless a test or the bench turns it on */
  rateLimits: RateLimits | null = null;
  /** accepted calls of the last second: the app's, and per chat */
  private readonly recentApp: number[] = [];
  private readonly recentByChat = new Map<string, number[]>();
  readonly sendLog: SendRecord[] = [];
  readonly urgentNotices: UrgentNotice[] = [];
  /** files and images people sent in chat, by key (file_key / image_key), with the message that carries them */
  readonly resources = new Map<string, { messageId: string; kind: "file" | "image"; name: string; bytes: Uint8Array }>();
  /** the next urgent_app calls refused with this platform error (e.g. 230002 bot not in the chat) */
  urgentRefusals: { code: number; msg: string; count: number } | null = null;

  constructor(readonly botOpenId: string, readonly appId: string) {}

  p2pChatFor(openId: string): SandboxChat {
    for (const c of this.chats.values()) if (c.type === "p2p" && c.members.includes(openId)) return c;
    const user = this.users.get(openId);
    const chat: SandboxChat = { chatId: id("oc_p2p_"), name: user ? `${user.name}（私聊）` : "私聊", type: "p2p", members: [openId, this.botOpenId] };
    this.chats.set(chat.chatId, chat);
    return chat;
  }

  addMessage(m: Omit<SandboxMessage, "message_id" | "create_time" | "update_time" | "updated" | "deleted">, now: number): SandboxMessage {
    const message: SandboxMessage = { ...m, message_id: id("om_"), create_time: String(now), update_time: String(now), updated: false, deleted: false };
    this.messages.push(message);
    return message;
  }

  /** The failure injected for this moment: one of a counted run first, else a span covering `now`. */
  failureAt(now: number): { status: 429 | 500 | "timeout"; rateLimitResetSeconds?: number } | null {
    const counted = this.takeFailure();
    if (counted) return counted;
    return this.faultSpans.find((f) => f.from <= now && now < f.until) ?? null;
  }

  /**
   * Whether a call to `chatId` at `now` is over a quota ("chat" or "app"); when it is not, it is counted. The
   * answer carries when the app's window frees a place (for x-ogw-ratelimit-reset).
   */
  admit(chatId: string | null, now: number): { over: "chat" | "app"; resetMs: number } | null {
    const limits = this.rateLimits;
    if (!limits) return null;
    const trim = (times: number[]) => {
      while (times.length > 0 && times[0]! <= now - 1000) times.shift();
    };
    trim(this.recentApp);
    const chat = chatId ? (this.recentByChat.get(chatId) ?? []) : [];
    trim(chat);
    if (chat.length >= limits.perChat) return { over: "chat", resetMs: chat[0]! + 1000 - now };
    if (this.recentApp.length >= limits.perApp) return { over: "app", resetMs: this.recentApp[0]! + 1000 - now };
    this.recentApp.push(now);
    if (chatId) this.recentByChat.set(chatId, [...chat, now]);
    return null;
  }

  /** Takes one injected failure, if any is left. */
  takeFailure(kind: "failures" | "signInFailures" | "contactFailures" | "resourceFailures" = "failures"): FailureSpec | null {
    const f = this[kind];
    if (!f || f.count <= 0) return null;
    f.count--;
    if (f.count === 0) this[kind] = null;
    return f;
  }
}
