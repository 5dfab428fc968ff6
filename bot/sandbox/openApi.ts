import { Hono, type Context } from "hono";
import { id, type SandboxMessage, type SandboxStore, type SandboxUser, type SendRecord } from "./store";

// The Open API routes the bot's SDK calls, answering as the platform does (lark-platform.md).

const TEXT_LIMIT = 150 * 1024;
const CARD_LIMIT = 30 * 1024;
const UUID_WINDOW_MS = 3600_000;

export interface OpenApiOptions {
  appId: string;
  appSecret: string;
  now: () => number;
  /** how long a "timeout" failure holds its answer (longer than the client's timeout) */
  timeoutHoldMs: number;
  departments: () => Array<{ id: string; name: string; parentId: string | null; leaderOpenId?: string }>;
}

const larkError = (c: Context, status: 400 | 401 | 403 | 404 | 429 | 500, code: number, msg: string) => c.json({ code, msg }, status);

export function openApiRoutes(store: SandboxStore, opts: OpenApiOptions) {
  const app = new Hono();

  app.post("/auth/v3/tenant_access_token/internal", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    if (body.app_id !== opts.appId || body.app_secret !== opts.appSecret) return c.json({ code: 10014, msg: "app secret invalid" });
    const token = id("t-");
    store.tenantTokens.set(token, opts.now() + 7200_000);
    return c.json({ code: 0, msg: "ok", tenant_access_token: token, expire: 7200 });
  });

  // Every other route needs a valid tenant token (or, for user_info, a user token).
  app.use("*", async (c, next) => {
    if (c.req.path.endsWith("/authen/v1/user_info")) return next();
    const token = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const expires = token ? store.tenantTokens.get(token) : undefined;
    if (!expires || expires < opts.now()) return larkError(c, 400, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
    return next();
  });

  /** Answers an injected failure, if one is due now: 429 with the platform's rate-limit headers, or 500. */
  const injected = (c: Context, failure: ReturnType<SandboxStore["failureAt"]>) => {
    if (failure?.status === 429) {
      c.header("x-ogw-ratelimit-limit", "50");
      c.header("x-ogw-ratelimit-reset", String(failure.rateLimitResetSeconds ?? 1));
      return larkError(c, 429, 99991400, "request trigger frequency limit");
    }
    if (failure?.status === 500) return larkError(c, 500, 1, "internal error");
    return null;
  };

  /** Every send, reply and patch is recorded with the platform's time, so tests can measure rates and order. */
  const logged = (entry: Omit<SendRecord, "at" | "status">, response: Response) => {
    store.sendLog.push({ ...entry, at: opts.now(), status: response.status });
    return response;
  };

  const send = async (c: Context, kind: "create" | "reply", target: { chatId: string } | { error: [number, string] }, body: any, parent?: SandboxMessage) => {
    const entry = { kind, chatId: "chatId" in target ? target.chatId : (body?.receive_id ?? null), uuid: typeof body?.uuid === "string" ? body.uuid : null, messageId: null };
    return logged(entry, await answerSend(c, target, body, parent));
  };

  /** The quotas, when on: 230020 for a chat over its 5/s, 429 for the app over its 50/s (then the call is not counted). */
  const overQuota = (c: Context, chatId: string | null) => {
    const over = store.admit(chatId, opts.now());
    if (!over) return null;
    if (over.over === "chat") return larkError(c, 400, 230020, "This chat has triggered the rate limit of sending messages.");
    c.header("x-ogw-ratelimit-limit", String(store.rateLimits!.perApp));
    c.header("x-ogw-ratelimit-reset", String(Math.max(1, Math.ceil(over.resetMs / 1000))));
    return larkError(c, 429, 99991400, "request trigger frequency limit");
  };

  const answerSend = async (c: Context, target: { chatId: string } | { error: [number, string] }, body: any, parent?: SandboxMessage) => {
    const failure = store.failureAt(opts.now());
    const refused = injected(c, failure);
    if (refused) return refused;
    if ("error" in target) return larkError(c, 400, target.error[0], target.error[1]);
    const check = validateContent(body?.msg_type, body?.content);
    if (check) return larkError(c, 400, check[0], check[1]);
    const limited = overQuota(c, target.chatId);
    if (limited) return limited;
    const uuid = typeof body.uuid === "string" && body.uuid ? body.uuid : undefined;
    const seen = uuid ? store.sendUuids.get(uuid) : undefined;
    let message = seen && seen.at > opts.now() - UUID_WINDOW_MS ? store.messages.find((m) => m.message_id === seen.messageId) : undefined;
    if (!message) {
      message = store.addMessage(
        {
          chat_id: target.chatId,
          msg_type: body.msg_type,
          content: body.content,
          sender: { id: opts.appId, id_type: "app_id", sender_type: "app" },
          ...(uuid ? { uuid } : {}),
          ...(parent ? { parent_id: parent.message_id, root_id: parent.root_id ?? parent.message_id } : {}),
        },
        opts.now(),
      );
      if (uuid) store.sendUuids.set(uuid, { messageId: message.message_id, at: opts.now() });
    }
    // A timeout: the platform did the work, but the answer never reaches the client in time.
    if (failure?.status === "timeout") await new Promise((r) => setTimeout(r, opts.timeoutHoldMs));
    return c.json({ code: 0, msg: "success", data: message });
  };

  app.post("/im/v1/messages", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const type = c.req.query("receive_id_type");
    let target: { chatId: string } | { error: [number, string] };
    if (type === "open_id") {
      target = store.users.has(body.receive_id) ? { chatId: store.p2pChatFor(body.receive_id).chatId } : { error: [230013, "Bot has NO availability to this user."] };
    } else if (type === "chat_id") {
      const chat = store.chats.get(body.receive_id);
      target = chat?.members.includes(store.botOpenId) ? { chatId: chat.chatId } : { error: [230002, "Bot/User can NOT be out of the chat."] };
    } else {
      target = { error: [230001, `invalid receive_id_type: ${type}`] };
    }
    return send(c, "create", target, body);
  });

  app.post("/im/v1/messages/:messageId/reply", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const parent = store.messages.find((m) => m.message_id === c.req.param("messageId"));
    if (!parent) return larkError(c, 400, 230011, "The message was withdrawn or does not exist.");
    return send(c, "reply", { chatId: parent.chat_id }, body, parent);
  });

  app.patch("/im/v1/messages/:messageId", async (c) => {
    const message = store.messages.find((m) => m.message_id === c.req.param("messageId"));
    return logged({ kind: "patch", chatId: message?.chat_id ?? null, uuid: null, messageId: c.req.param("messageId") }, await answerPatch(c, message));
  });

  const answerPatch = async (c: Context, message: SandboxMessage | undefined) => {
    const body = await c.req.json().catch(() => ({}));
    const refused = injected(c, store.failureAt(opts.now()));
    if (refused) return refused;
    if (!message) return larkError(c, 400, 230011, "The message was withdrawn or does not exist.");
    if (message.msg_type !== "interactive" || !isUpdateMulti(message.content)) {
      return larkError(c, 400, 230031, "The message is not a shared card (config.update_multi) and cannot be updated.");
    }
    const check = validateContent("interactive", body?.content);
    if (check) return larkError(c, 400, check[0], check[1]);
    const limited = overQuota(c, message.chat_id);
    if (limited) return limited;
    updateCard(message, body.content, opts.now());
    return c.json({ code: 0, msg: "success", data: {} });
  };

  // 加急 (urgent_app): only on the bot's own messages, only to members of the message's chat; recorded for tests.
  app.patch("/im/v1/messages/:messageId/urgent_app", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    if (c.req.query("user_id_type") !== "open_id") return larkError(c, 400, 230001, "user_id_type must be open_id in the sandbox");
    const ids = body?.user_id_list;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x: unknown) => typeof x === "string")) return larkError(c, 400, 230001, "user_id_list is required");
    const refusal = store.urgentRefusals;
    if (refusal && refusal.count > 0) {
      refusal.count--;
      if (refusal.count === 0) store.urgentRefusals = null;
      return larkError(c, 400, refusal.code, refusal.msg);
    }
    const message = store.messages.find((m) => m.message_id === c.req.param("messageId"));
    if (!message || message.deleted) return larkError(c, 400, 230011, "The message was withdrawn or does not exist.");
    if (message.sender.sender_type !== "app" || message.sender.id !== opts.appId) return larkError(c, 400, 230001, "Only messages sent by the bot itself can be made urgent.");
    const chat = store.chats.get(message.chat_id);
    if (!chat?.members.includes(store.botOpenId)) return larkError(c, 400, 230002, "Bot/User can NOT be out of the chat.");
    const invalid = ids.filter((x: string) => !chat.members.includes(x));
    const valid = ids.filter((x: string) => chat.members.includes(x));
    if (valid.length > 0) store.urgentNotices.push({ at: opts.now(), messageId: message.message_id, chatId: chat.chatId, openIds: valid });
    return c.json({ code: 0, msg: "success", data: { invalid_user_id_list: invalid } });
  });

  app.post("/interactive/v1/card/update", async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const entry = store.cardTokens.get(body.token);
    if (!entry || entry.expiresAt < opts.now() || entry.uses >= 2) return larkError(c, 400, 200750, "card update token invalid or expired");
    const message = store.messages.find((m) => m.message_id === entry.messageId);
    if (!message) return larkError(c, 400, 230011, "message not found");
    entry.uses++;
    updateCard(message, JSON.stringify(body.card?.type === "raw" ? body.card.data : body.card), opts.now());
    return c.json({ code: 0, msg: "success" });
  });

  // A file or image of a message a person sent: the bytes, as the platform streams them (the bot must be in the chat).
  app.get("/im/v1/messages/:messageId/resources/:fileKey", async (c) => {
    const failure = store.takeFailure("resourceFailures");
    if (failure?.status === 429) return larkError(c, 429, 99991400, "request trigger frequency limit");
    if (failure?.status === 500) return larkError(c, 500, 1, "internal error");
    if (failure?.status === "timeout") await new Promise((r) => setTimeout(r, opts.timeoutHoldMs));
    const type = c.req.query("type");
    if (type !== "file" && type !== "image") return larkError(c, 400, 234001, "Invalid request param: type must be file or image.");
    const r = store.resources.get(c.req.param("fileKey"));
    const message = store.messages.find((m) => m.message_id === c.req.param("messageId"));
    if (!r || !message || r.messageId !== message.message_id || (type === "image") !== (r.kind === "image")) return larkError(c, 400, 234003, "File not in msg.");
    if (!store.chats.get(message.chat_id)?.members.includes(store.botOpenId)) return larkError(c, 400, 230002, "Bot/User can NOT be out of the chat.");
    return new Response(r.bytes as BodyInit, {
      headers: { "content-type": "application/octet-stream", "content-length": String(r.bytes.byteLength), "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(r.name)}` },
    });
  });

  // Before /users/:userId, which would otherwise take "find_by_department" for a user id.
  // An injected failure of a contact list call, as the platform gives one (org sync retries it).
  const contactFailure = (c: Context) => {
    const failure = store.takeFailure("contactFailures");
    if (failure?.status === 429) return larkError(c, 429, 99991400, "request trigger frequency limit");
    if (failure) return larkError(c, 500, 1, "internal error");
    return null;
  };

  app.get("/contact/v3/users/find_by_department", (c) => {
    const failed = contactFailure(c);
    if (failed) return failed;
    const dept = c.req.query("department_id") ?? "0";
    const all = [...store.users.values()].filter((u) => (dept === "0" ? !u.departmentIds?.length : (u.departmentIds ?? []).includes(dept)));
    const size = Math.min(Number(c.req.query("page_size") ?? 10) || 10, 50);
    const start = Number(c.req.query("page_token") || 0);
    const items = all.slice(start, start + size).map(userJson);
    const more = start + size < all.length;
    return c.json({ code: 0, msg: "success", data: { has_more: more, ...(more ? { page_token: String(start + size) } : {}), items } });
  });

  app.get("/contact/v3/users/:userId", (c) => {
    const u = store.users.get(c.req.param("userId"));
    if (!u) return larkError(c, 400, 41050, "no user authority error");
    return c.json({ code: 0, msg: "success", data: { user: userJson(u) } });
  });

  app.get("/contact/v3/departments/:departmentId/children", (c) => {
    const failed = contactFailure(c);
    if (failed) return failed;
    const parent = c.req.param("departmentId");
    const all = opts.departments().filter((d) => (d.parentId ?? "0") === parent);
    const size = Math.min(Number(c.req.query("page_size") ?? 10) || 10, 50);
    const start = Number(c.req.query("page_token") || 0);
    const items = all.slice(start, start + size).map(departmentJson);
    const more = start + size < all.length;
    return c.json({ code: 0, msg: "success", data: { has_more: more, ...(more ? { page_token: String(start + size) } : {}), items } });
  });

  app.get("/contact/v3/departments/:departmentId", (c) => {
    const d = opts.departments().find((x) => x.id === c.req.param("departmentId"));
    if (!d) return larkError(c, 400, 40004, "department not found");
    return c.json({ code: 0, msg: "success", data: { department: departmentJson(d) } });
  });

  app.post("/authen/v1/oidc/access_token", async (c) => {
    const failure = store.takeFailure("signInFailures");
    if (failure?.status === 429) return larkError(c, 429, 99991400, "request trigger frequency limit");
    if (failure?.status === 500) return larkError(c, 500, 1, "internal error");
    if (failure?.status === "timeout") await new Promise((r) => setTimeout(r, opts.timeoutHoldMs));
    const body = await c.req.json().catch(() => ({}));
    const entry = store.authCodes.get(body.code);
    if (body.grant_type !== "authorization_code" || !entry || entry.used) return c.json({ code: 20003, msg: "授权码无效或已被使用" });
    entry.used = true;
    if (entry.expiresAt < opts.now()) return c.json({ code: 20004, msg: "授权码已过期" });
    const accessToken = id("u-");
    store.userTokens.set(accessToken, { openId: entry.openId, expiresAt: opts.now() + 7200_000 });
    return c.json({
      code: 0,
      msg: "success",
      data: { access_token: accessToken, refresh_token: id("ur-"), token_type: "Bearer", expires_in: 7200, refresh_expires_in: 2592000, scope: "" },
    });
  });

  app.get("/authen/v1/user_info", (c) => {
    const token = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const entry = token ? store.userTokens.get(token) : undefined;
    if (!entry || entry.expiresAt < opts.now()) return larkError(c, 400, 99991668, "Invalid user access token");
    // A code always belongs to someone the platform knows; the sandbox may not have their name.
    const u = store.users.get(entry.openId) ?? { openId: entry.openId, name: entry.openId };
    return c.json({
      code: 0,
      msg: "success",
      data: { name: u.name, en_name: "", avatar_url: "", open_id: u.openId, union_id: `on_${u.openId.slice(3)}`, user_id: u.openId.slice(3), email: "", mobile: "", tenant_key: "sandbox", employee_no: "" },
    });
  });

  return app;
}

function userJson(u: SandboxUser) {
  return {
    open_id: u.openId,
    union_id: `on_${u.openId.slice(3)}`,
    user_id: u.openId.slice(3),
    name: u.name,
    en_name: "",
    email: `${u.openId.slice(3)}@linjiang.gov.example`,
    mobile: "",
    department_ids: u.departmentIds ?? [],
    leader_user_id: "",
    status: { is_activated: true, is_frozen: false, is_resigned: false },
    avatar: {},
    job_title: "",
  };
}

function departmentJson(d: { id: string; name: string; parentId: string | null; leaderOpenId?: string }) {
  return {
    name: d.name,
    department_id: d.id,
    open_department_id: `od-${d.id}`,
    parent_department_id: d.parentId ?? "0",
    leader_user_id: d.leaderOpenId ?? "",
    member_count: 0,
    status: { is_deleted: false },
  };
}

function validateContent(msgType: unknown, content: unknown): [number, string] | null {
  if (msgType !== "text" && msgType !== "interactive") return [230001, `unsupported msg_type: ${String(msgType)}`];
  if (typeof content !== "string") return [230001, "content must be a JSON string"];
  let parsed: any;
  try {
    parsed = JSON.parse(content);
  } catch {
    return [230001, "content is not valid JSON"];
  }
  const size = Buffer.byteLength(content);
  if (msgType === "text") {
    if (typeof parsed?.text !== "string") return [230001, "text message needs {text}"];
    if (size > TEXT_LIMIT) return [230025, "The message content exceeds the size limit (150 KB)."];
  } else {
    if (size > CARD_LIMIT) return [230025, "The card content exceeds the size limit (30 KB)."];
    if (parsed?.schema === "2.0" && JSON.stringify(parsed.body ?? {}).includes('"tag":"action"')) return [200861, "card JSON 2.0 has no action element"];
  }
  return null;
}

function isUpdateMulti(content: string): boolean {
  try {
    return JSON.parse(content)?.config?.update_multi === true;
  } catch {
    return false;
  }
}

function updateCard(message: SandboxMessage, content: string, now: number) {
  message.content = content;
  message.updated = true;
  message.update_time = String(now);
}
