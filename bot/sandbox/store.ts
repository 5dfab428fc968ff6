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

  /** Takes one injected failure, if any is left. */
  takeFailure(kind: "failures" | "signInFailures" = "failures"): FailureSpec | null {
    const f = this[kind];
    if (!f || f.count <= 0) return null;
    f.count--;
    if (f.count === 0) this[kind] = null;
    return f;
  }
}
