import { downloadNextChatFile } from "../src/commands/chatFileDownloads";
import { randomBytes } from "node:crypto";
import * as lark from "@larksuiteoapi/node-sdk";
import { Hono } from "hono";
import type { Deps } from "../src/commands/context";
import { runCommand } from "../src/commands/context";
import { orgImporter } from "../src/commands/orgImporter";
import { createDeliveryLoop, type DeliveryLoopOptions } from "../src/jobs/deliveryLoop";
import { perform as handleInbox } from "../src/jobs/inboxWorker";
import { createJobLoop } from "../src/jobs/loop";
import { DomainError } from "../src/domain/types";
import type { AppEnv, SignInExchanger } from "../src/http/env";
import { loadLarkConfig, type LarkConfig } from "./lark/config";
import { acceptEvent, createInboxHandler } from "./lark/inbound";
import { createLarkSender } from "./lark/sender";
import { connectLark, larkDomain, type LarkConnection } from "./lark/client";
import { larkDirectory } from "./lark/directory";
import type { DirectoryReader } from "../src/domain/orgSync";
import { larkWebhook } from "./lark/webhook";
import { createSandbox, type Sandbox } from "./sandbox";
import demoCity from "./sandbox/demo-city.json";

export interface BotRuntime {
  /** exchanges a mini-app sign-in code through the platform (usable once started) */
  signIn: SignInExchanger;
  /** routes to mount on the app: /lark/events, and in sandbox mode /open-apis and /sandbox */
  routes: Hono<AppEnv>;
  sandbox: Sandbox | null;
  config: LarkConfig;
  /** call once the server listens: creates the SDK client and starts sending */
  start(baseUrl: string): Promise<void>;
  /** handle the stored events, then send what is due now (tests and after commands) */
  kick(): Promise<void>;
  /** obtains a tenant token from the platform (cached by the SDK until near expiry): the readiness check */
  platformToken(): Promise<void>;
  /** the platform's contact directory (org sync), read through the SDK once started */
  directory: DirectoryReader;
  stop(): Promise<void>;
}

export const SANDBOX_APP_ID = "cli_a1b2c3d4e5f60718";

/**
 * The chat side of the product. With LARK_APP_ID the bot talks to Lark (webhook or long connection); without
 * it, a local sandbox platform is created and the bot talks to that through the same SDK calls.
 */
/** Chat events handled at once per server on PostgreSQL (each holds a pool connection while it runs). */
const INBOX_LANES = 4;

export function createBotRuntime(deps: Deps, env: Record<string, string | undefined> = process.env, opts: { retryDelaysMs?: number[]; delivery?: DeliveryLoopOptions } = {}): BotRuntime {
  const configured = loadLarkConfig(env);
  const config: LarkConfig = configured ?? {
    appId: SANDBOX_APP_ID,
    appSecret: randomBytes(16).toString("hex"),
    encryptKey: randomBytes(16).toString("hex"),
    verificationToken: randomBytes(16).toString("hex"),
    // The sandbox speaks both: LARK_MODE=ws tries the long connection offline too.
    mode: env.LARK_MODE === "ws" ? "ws" : "webhook",
    domain: "", // the server's own address, known at start()
    botName: "协同助手",
  };
  let loop: ReturnType<typeof createDeliveryLoop> | null = null;
  const send = () => (loop ? loop.kick() : Promise.resolve());
  // Stored chat messages are handled by the inbox worker (here, and on any other server of the same database).
  let connection: LarkConnection | null = null;
  const inboxHandler = createInboxHandler(config.botName);
  // Files sent in chat: queued by the inbox, downloaded by this loop (and by the chatFileDownloads job on any server).
  let filesQueued = false;
  deps.chatFiles = {
    download: (messageId, file) => {
      if (!connection) throw new Error("尚未连接平台（服务正在启动）");
      return connection.files.download(messageId, file);
    },
    queued: () => {
      filesQueued = true;
    },
  };
  const chatFiles = createJobLoop("下载聊天中的文件", async () => {
    if (!(await downloadNextChatFile(deps))) return false;
    void send();
    return true;
  });
  const inbox = createJobLoop("处理收到的消息", async () => {
    const r = await handleInbox(deps, inboxHandler, { lanes: deps.db.kind === "postgres" ? INBOX_LANES : 1 });
    // The download job looks for work (a transaction of its own) when files were queued here; its timer looks
    // every few seconds for those queued by other servers and for retries.
    if (filesQueued) {
      filesQueued = false;
      void chatFiles.kick();
    }
    if (r.handled + r.failed > 0) void send();
    // A pass goes on until a claim finds nothing due: another right after it would only find nothing again (one
    // more transaction per burst, on PGlite in the thread that answers the platform). An event stored meanwhile
    // kicks the loop, which then runs again; a pass stopped at its limit runs again of itself.
    return r.more;
  });
  const kick = async () => {
    await inbox.kick();
    await chatFiles.kick();
    await send();
  };
  // After each event stored: the inbox, then delivery (the inbox kicks the download job when it queued files).
  const afterEvent = async () => {
    await inbox.kick();
    await send();
  };
  const handlerOpts = { botName: config.botName, kick: () => void afterEvent() };

  const routes = new Hono<AppEnv>();
  routes.route("/lark", larkWebhook({ ...handlerOpts, encryptKey: config.encryptKey, verificationToken: config.verificationToken }));
  const sandbox = configured
    ? null
    : createSandbox({
        appId: config.appId,
        appSecret: config.appSecret,
        encryptKey: config.encryptKey,
        verificationToken: config.verificationToken,
        botName: config.botName,
        now: () => deps.now().getTime(),
        miniAppLoginPath: "/app/",
        ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
      });
  if (sandbox) routes.route("/", sandbox.app);

  let ws: lark.WSClient | null = null;
  return {
    signIn: {
      async exchange(code) {
        if (!connection) throw new DomainError("unavailable", "服务正在启动，请稍后再试。");
        return connection.signIn.exchange(code);
      },
    },
    routes,
    sandbox,
    config,
    kick,
    directory: larkDirectory(() => {
      if (!connection) throw new DomainError("unavailable", "服务正在启动，请稍后再试。");
      return connection.client;
    }, { clearTokens: () => connection?.clearTokens() }),
    async platformToken() {
      if (!connection) throw new Error("尚未连接平台（服务正在启动）");
      await connection.platformToken();
    },
    async start(baseUrl) {
      const domain = larkDomain(sandbox ? baseUrl : config.domain);
      const fileTimeoutMs = Number(env.LARK_FILE_TIMEOUT_MS) || undefined;
      connection = connectLark(config, domain, fileTimeoutMs ? { fileTimeoutMs } : {});
      // The SDK never times out on its own; a send that hangs must fail and be retried.
      lark.defaultHttpInstance.defaults.timeout = 3000;
      const c = connection;
      loop = createDeliveryLoop(deps, createLarkSender(deps, c.client, { clear: () => c.clearTokens() }), opts.delivery);
      loop.start();
      inbox.start();
      chatFiles.start();
      void inbox.kick(); // events stored before a restart
      if (sandbox) {
        if (config.mode === "webhook") sandbox.setEventUrl(`${baseUrl}/lark/events`);
        await seedSandbox(deps, sandbox);
      }
      if (config.mode === "ws") {
        const dispatcher = new lark.EventDispatcher({}).register({
          "im.message.receive_v1": async (data: any) => (data.event_id ? acceptEvent(deps, handlerOpts, data.event_id, "im.message.receive_v1", data) : {}),
          "card.action.trigger": async (data: any) => (data.event_id ? acceptEvent(deps, handlerOpts, data.event_id, "card.action.trigger", data) : {}),
        } as any);
        // start() returns before the connection is up; wait for it (the client keeps retrying on its own).
        let ready: () => void = () => undefined;
        const connected = new Promise<boolean>((resolve) => {
          ready = () => resolve(true);
          setTimeout(() => resolve(false), 10_000).unref();
        });
        ws = new lark.WSClient({
          appId: config.appId,
          appSecret: config.appSecret,
          domain,
          autoReconnect: true,
          loggerLevel: lark.LoggerLevel.warn,
          onReady: () => ready(),
        } as ConstructorParameters<typeof lark.WSClient>[0]);
        await ws.start({ eventDispatcher: dispatcher });
        if (!(await connected)) console.warn("飞书长连接 10 秒内未建立，将在后台继续重试；请检查 LARK_APP_ID / LARK_APP_SECRET 与网络。");
      }
    },
    async stop() {
      ws?.close?.({ force: true } as never);
      sandbox?.close();
      await inbox.stop();
      await chatFiles.stop();
      await loop?.stop();
    },
  };
}

/**
 * Offline: an empty database gets the demo city (临江市), and the sandbox gets its people and one work group
 * per department, so that anyone can try the product with no account anywhere.
 */
export async function seedSandbox(deps: Deps, sandbox: Sandbox): Promise<void> {
  const db = deps.db.kysely;
  const any = await db.selectFrom("departments").select("id").limit(1).executeTakeFirst();
  if (!any) await runCommand(deps, { kind: "token", tokenId: 0, name: "沙箱演示数据", role: "admin" }, orgImporter, demoCity);
  const users = await db.selectFrom("users").innerJoin("departments", "departments.id", "users.departmentId").select(["users.openId", "users.name", "departments.code"]).where("users.active", "=", true).execute();
  for (const u of users) sandbox.addUser({ openId: u.openId, name: u.name, departmentIds: [u.code] });
  const all = await db.selectFrom("departments").select(["id", "code", "name", "chatId", "parentId"]).where("active", "=", true).execute();
  const codeOf = new Map(all.map((d) => [d.id, d.code]));
  sandbox.setDepartments(all.map((d) => ({ id: d.code, name: d.name, parentId: d.parentId ? (codeOf.get(d.parentId) ?? null) : null })));
  const depts = all.filter((d) => d.chatId);
  const members = await db.selectFrom("users").select(["openId", "departmentId"]).execute();
  for (const d of depts) {
    sandbox.addChat({ chatId: d.chatId!, name: `${d.name}工作群`, type: "group", members: members.filter((m) => m.departmentId === d.id).map((m) => m.openId) });
  }
}
