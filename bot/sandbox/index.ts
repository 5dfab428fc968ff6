import { Hono } from "hono";
import { createEventSender, type Delivery } from "./events";
import { createLongConnectionHub } from "./longConnection";
import { openApiRoutes } from "./openApi";
import { sandboxPage } from "./page";
import { id, SandboxStore, type FailureSpec, type FaultSpan, type RateLimits, type SandboxChat, type SandboxMessage, type SandboxUser, type SendRecord, type UrgentNotice } from "./store";

export type { FaultSpan, RateLimits, SandboxChat, SandboxMessage, SandboxUser, SendRecord, UrgentNotice } from "./store";

export interface SandboxOptions {
  appId: string;
  appSecret: string;
  encryptKey?: string | undefined;
  verificationToken: string;
  eventUrl?: string;
  /** where the web chat page is mounted */
  basePath?: string;
  botName?: string;
  now?: () => number;
  fetch?: typeof fetch;
  /** redelivery delays after a failed delivery; the platform uses 15 s, 5 min, 1 h, 6 h */
  retryDelaysMs?: number[];
  /** how long an injected "timeout" holds the answer */
  timeoutHoldMs?: number;
  departments?: () => Array<{ id: string; name: string; parentId: string | null; leaderOpenId?: string }>;
  /** where the page's "登录小程序" goes, with ?code=…; no link when unset */
  miniAppLoginPath?: string | null;
  /** enforce the platform's send quotas (5/s per chat, 50/s per app, as `limitRates(…)`); off by default */
  rateLimits?: RateLimits | null;
}

export interface Sandbox {
  /** serves /open-apis/… and the web page under basePath */
  app: Hono;
  botOpenId: string;
  setEventUrl(url: string): void;
  addUser(u: SandboxUser): void;
  /** the person leaves the organisation: gone from the contact directory */
  removeUser(openId: string): void;
  addChat(c: SandboxChat): SandboxChat;
  p2pChatFor(openId: string): SandboxChat;
  sendUserMessage(input: { openId: string; chatId?: string; text: string; mentionBot?: boolean }): Promise<{ message: SandboxMessage; delivery: Delivery }>;
  /** a person sends a file or an image (optionally as a reply to a message), as the client does: no caption */
  sendUserFile(input: { openId: string; chatId?: string; name: string; bytes: Uint8Array; kind?: "file" | "image"; parentId?: string }): Promise<{ message: SandboxMessage; delivery: Delivery }>;
  /** a rich-text (post) message: words and images */
  sendUserPost(input: { openId: string; chatId?: string; text: string; images: Array<{ name: string; bytes: Uint8Array }>; parentId?: string }): Promise<{ message: SandboxMessage; delivery: Delivery }>;
  clickCard(input: { openId: string; messageId: string; value: Record<string, unknown>; name?: string; formValue?: Record<string, unknown> }): Promise<Delivery>;
  redeliverLast(): Promise<Delivery>;
  verifyUrl(): Promise<boolean>;
  messages(filter?: { chatId?: string; receiveId?: string }): SandboxMessage[];
  failSends(spec: FailureSpec): void;
  /** makes the next sign-in code exchanges fail as the platform can (500, 429, or an answer too late) */
  failSignIns(spec: FailureSpec): void;
  /** makes the next contact directory list calls (departments' children, users by department) fail with 500 or 429 */
  failContact(spec: FailureSpec): void;
  /** makes the next chat file downloads (messageResource.get) fail: 500, 429, or an answer held past the client's timeout */
  failResourceDownloads(spec: FailureSpec): void;
  /** fails every send and patch with 429 or 500 while the platform's clock is in [from, until) */
  failDuring(span: FaultSpan): void;
  /** enforces the platform's send quotas from now on (null: off), e.g. { perChat: 5, perApp: 50 } */
  limitRates(limits: RateLimits | null): void;
  /** every send, reply and patch that reached the platform, with its time and answer */
  sendLog(): SendRecord[];
  /** every urgent notice (加急) the bot made on its messages */
  urgentNotices(): UrgentNotice[];
  /** refuses the next `count` urgent_app calls with a platform error (e.g. 230002) */
  refuseUrgent(spec: { code: number; msg: string; count: number }): void;
  issueAuthCode(openId: string, validForMs?: number): string;
  setDepartments(list: Array<{ id: string; name: string; parentId: string | null; leaderOpenId?: string }>): void;
  /** the organisation renames a department in the contact directory (its id stays) */
  renameDepartment(id: string, name: string): void;
  /** the person moves to another department in the contact directory (it becomes their primary one) */
  moveUser(openId: string, departmentId: string): void;
  users(): SandboxUser[];
  chatsOf(openId: string): SandboxChat[];
  close(): void;
}

export const PLATFORM_RETRY_DELAYS_MS = [15_000, 300_000, 3_600_000, 21_600_000];

export function createSandbox(opts: SandboxOptions): Sandbox {
  const now = opts.now ?? (() => Date.now());
  const botOpenId = "ou_bot_xietong";
  const botName = opts.botName ?? "协同助手";
  const store = new SandboxStore(botOpenId, opts.appId);
  store.rateLimits = opts.rateLimits ?? null;
  let departments = opts.departments ?? (() => []);
  let eventUrl = opts.eventUrl;
  const longConnection = createLongConnectionHub({ appId: opts.appId, appSecret: opts.appSecret });
  const sender = createEventSender({
    longConnection,
    appId: opts.appId,
    verificationToken: opts.verificationToken,
    encryptKey: opts.encryptKey,
    eventUrl: () => eventUrl,
    fetch: opts.fetch ?? fetch,
    now,
    retryDelaysMs: opts.retryDelaysMs ?? PLATFORM_RETRY_DELAYS_MS,
  });

  /** A message without text mentions (file, image, post) from a person, delivered as im.message.receive_v1. */
  async function sendContent(openId: string, chatId: string | undefined, type: string, content: unknown, parentId: string | undefined, keep: (messageId: string) => void) {
    if (!store.users.get(openId)) throw new Error(`沙箱中没有用户 ${openId}`);
    const chat = chatId ? store.chats.get(chatId) : store.p2pChatFor(openId);
    if (!chat || !chat.members.includes(openId)) throw new Error(`${openId} 不在会话 ${chatId} 中`);
    const parent = parentId ? store.messages.find((m) => m.message_id === parentId) : undefined;
    const message = store.addMessage(
      {
        chat_id: chat.chatId,
        msg_type: type,
        content: JSON.stringify(content),
        sender: { id: openId, id_type: "open_id", sender_type: "user" },
        ...(parent ? { parent_id: parent.message_id, root_id: parent.root_id ?? parent.message_id } : {}),
      },
      now(),
    );
    keep(message.message_id);
    const event = {
      sender: { sender_id: { open_id: openId, union_id: `on_${openId.slice(3)}`, user_id: openId.slice(3) }, sender_type: "user", tenant_key: "sandbox" },
      message: {
        message_id: message.message_id,
        ...(parent ? { parent_id: parent.message_id, root_id: parent.root_id ?? parent.message_id } : {}),
        create_time: message.create_time,
        chat_id: chat.chatId,
        chat_type: chat.type,
        message_type: type,
        content: JSON.stringify(content),
        mentions: [],
      },
    };
    const delivery = await sender.deliver(sender.envelope("im.message.receive_v1", event));
    return { message, delivery };
  }

  const sandbox: Sandbox = {
    app: new Hono(),
    botOpenId,
    setEventUrl: (url) => {
      eventUrl = url;
    },
    addUser: (u) => void store.users.set(u.openId, u),
    removeUser: (openId) => void store.users.delete(openId),
    addChat: (c) => {
      const chat = { ...c, members: [...new Set([...c.members, botOpenId])] };
      store.chats.set(chat.chatId, chat);
      return chat;
    },
    p2pChatFor: (openId) => store.p2pChatFor(openId),

    async sendUserMessage({ openId, chatId, text, mentionBot }) {
      const user = store.users.get(openId);
      if (!user) throw new Error(`沙箱中没有用户 ${openId}`);
      const chat = chatId ? store.chats.get(chatId) : store.p2pChatFor(openId);
      if (!chat || !chat.members.includes(openId)) throw new Error(`${user.name} 不在会话 ${chatId} 中`);
      const withBot = chat.type === "group" && (mentionBot ?? true);
      // "@名字" of people the sandbox knows become platform mentions (@_user_N), as the client sends them.
      const mentions: Array<{ key: string; id: { open_id: string; union_id: string; user_id?: string }; name: string; tenant_key: string }> = [];
      let platformText = text;
      if (withBot) {
        mentions.push({ key: "@_user_1", id: { open_id: botOpenId, union_id: "on_bot" }, name: botName, tenant_key: "sandbox" });
        platformText = `@_user_1 ${platformText}`;
      }
      for (const u of store.users.values()) {
        if (!platformText.includes(`@${u.name}`)) continue;
        const key = `@_user_${mentions.length + 1}`;
        mentions.push({ key, id: { open_id: u.openId, union_id: `on_${u.openId.slice(3)}`, user_id: u.openId.slice(3) }, name: u.name, tenant_key: "sandbox" });
        platformText = platformText.split(`@${u.name}`).join(key);
      }
      const message = store.addMessage(
        { chat_id: chat.chatId, msg_type: "text", content: JSON.stringify({ text }), sender: { id: openId, id_type: "open_id", sender_type: "user" } },
        now(),
      );
      const event = {
        sender: { sender_id: { open_id: openId, union_id: `on_${openId.slice(3)}`, user_id: openId.slice(3) }, sender_type: "user", tenant_key: "sandbox" },
        message: {
          message_id: message.message_id,
          create_time: message.create_time,
          chat_id: chat.chatId,
          chat_type: chat.type,
          message_type: "text",
          content: JSON.stringify({ text: platformText }),
          mentions,
        },
      };
      const delivery = await sender.deliver(sender.envelope("im.message.receive_v1", event));
      return { message, delivery };
    },

    async sendUserFile({ openId, chatId, name, bytes, kind = "file", parentId }) {
      const key = id(kind === "image" ? "img_v3_" : "file_v3_");
      const content = kind === "image" ? { image_key: key } : { file_key: key, file_name: name };
      return sendContent(openId, chatId, kind, content, parentId, (messageId) => store.resources.set(key, { messageId, kind, name, bytes }));
    },

    async sendUserPost({ openId, chatId, text, images, parentId }) {
      const keyed = images.map((img) => ({ ...img, key: id("img_v3_") }));
      const content = { title: "", content: [[{ tag: "text", text }], ...keyed.map((img) => [{ tag: "img", image_key: img.key }])] };
      return sendContent(openId, chatId, "post", content, parentId, (messageId) => {
        for (const img of keyed) store.resources.set(img.key, { messageId, kind: "image", name: img.name, bytes: img.bytes });
      });
    },

    async clickCard({ openId, messageId, value, name, formValue }) {
      const message = store.messages.find((m) => m.message_id === messageId);
      if (!message) throw new Error(`沙箱中没有消息 ${messageId}`);
      const token = id("c-");
      store.cardTokens.set(token, { messageId, expiresAt: now() + 30 * 60_000, uses: 0 });
      const event = {
        operator: { tenant_key: "sandbox", user_id: openId.slice(3), open_id: openId, union_id: `on_${openId.slice(3)}` },
        token,
        action: { value, tag: "button", ...(name ? { name } : {}), ...(formValue ? { form_value: formValue } : {}) },
        host: "im_message",
        context: { open_message_id: messageId, open_chat_id: message.chat_id },
      };
      const delivery = await sender.deliver(sender.envelope("card.action.trigger", event));
      const card = delivery.status === 200 ? delivery.body?.card : undefined;
      // The client shows the card the bot answered with, to everyone in the chat (update_multi).
      if (card?.type === "raw" && card.data) {
        message.content = JSON.stringify(card.data);
        message.updated = true;
        message.update_time = String(now());
      }
      return delivery;
    },

    redeliverLast: () => sender.redeliverLast(),
    verifyUrl: () => sender.verifyUrl(),
    messages: (filter = {}) => {
      const chatId = filter.chatId ?? (filter.receiveId?.startsWith("ou_") ? store.p2pChatFor(filter.receiveId).chatId : filter.receiveId);
      return store.messages.filter((m) => !chatId || m.chat_id === chatId);
    },
    failSends: (spec) => {
      store.failures = { ...spec };
    },
    failResourceDownloads: (spec) => {
      store.resourceFailures = { ...spec };
    },
    failSignIns: (spec) => {
      store.signInFailures = { ...spec };
    },
    failContact: (spec) => {
      store.contactFailures = { ...spec };
    },
    failDuring: (span) => {
      store.faultSpans.push({ ...span });
    },
    limitRates: (limits) => {
      store.rateLimits = limits ? { ...limits } : null;
    },
    sendLog: () => [...store.sendLog],
    urgentNotices: () => [...store.urgentNotices],
    refuseUrgent: (spec) => {
      store.urgentRefusals = { ...spec };
    },
    issueAuthCode: (openId, validForMs = 3 * 60_000) => {
      const code = id("code_");
      store.authCodes.set(code, { openId, expiresAt: now() + validForMs, used: false });
      return code;
    },
    setDepartments: (list) => {
      departments = () => list;
    },
    renameDepartment: (deptId, name) => {
      const list = departments();
      if (!list.some((d) => d.id === deptId)) throw new Error(`沙箱通讯录中没有部门 ${deptId}`);
      const renamed = list.map((d) => (d.id === deptId ? { ...d, name } : d));
      departments = () => renamed;
    },
    moveUser: (openId, departmentId) => {
      const u = store.users.get(openId);
      if (!u) throw new Error(`沙箱通讯录中没有人员 ${openId}`);
      store.users.set(openId, { ...u, departmentIds: [departmentId, ...(u.departmentIds ?? []).filter((d) => d !== departmentId)] });
    },
    users: () => [...store.users.values()],
    chatsOf: (openId) => [store.p2pChatFor(openId), ...[...store.chats.values()].filter((c) => c.type === "group" && c.members.includes(openId))],
    close: () => {
      sender.close();
      longConnection.close();
    },
  };

  sandbox.app.post("/callback/ws/endpoint", async (c) => c.json(await longConnection.endpoint(await c.req.json().catch(() => ({})))));
  sandbox.app.route(
    "/open-apis",
    openApiRoutes(store, {
      appId: opts.appId,
      appSecret: opts.appSecret,
      now,
      timeoutHoldMs: opts.timeoutHoldMs ?? 4000,
      departments: () => departments(),
    }),
  );
  sandbox.app.route(opts.basePath ?? "/sandbox", sandboxPage(sandbox, { botOpenId, botName, miniAppLoginPath: opts.miniAppLoginPath ?? null }));
  return sandbox;
}
