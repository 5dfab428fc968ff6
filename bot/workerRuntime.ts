import { downloadNextChatFile } from "../src/commands/chatFileDownloads";
import { Hono } from "hono";
import type { Deps } from "../src/commands/context";
import type { AppEnv, SignInExchanger } from "../src/http/env";
import { perform as handleInbox } from "../src/jobs/inboxWorker";
import { deliverOutbox } from "../src/jobs/outboxDelivery";
import type { DirectoryReader } from "../src/domain/orgSync";
import { connectLark, larkDomain } from "./lark/client";
import { larkDirectory } from "./lark/directory";
import { loadLarkConfig } from "./lark/config";
import { createInboxHandler } from "./lark/inbound";
import { createLarkSender } from "./lark/sender";
import { larkWebhook } from "./lark/webhook";

export interface WorkerBot {
  /** /lark/events (signature, decryption, de-duplication, card answers) and /app/config */
  routes: Hono<AppEnv>;
  signIn: SignInExchanger;
  platformToken(): Promise<void>;
  /** handles stored chat events and sends what is due, until nothing is left (the Cron Trigger, and after a change) */
  drain(): Promise<void>;
  /** resolves when the work kicked during this request is done (the entry point hands it to ctx.waitUntil) */
  settled(): Promise<void>;
  /** the platform's contact directory (org sync: the nightly job and the admin console) */
  directory: DirectoryReader;
}

/** Passes per drain: a Worker's waitUntil has a time limit; what is left waits for the next trigger. */
const MAX_PASSES = 20;

/**
 * The chat side on Cloudflare Workers, built per request: no resident process, so no loops and no long
 * connection. A chat message is stored and acknowledged as on Node; handling it and sending the replies is
 * kicked right after, to finish after the response (ctx.waitUntil), and the Cron Trigger catches up whatever
 * is left. Null when no Lark app is configured (the Worker then serves the JSON API only).
 */
export function createWorkerBot(deps: Deps, env: Record<string, string | undefined>): WorkerBot | null {
  const config = loadLarkConfig(env);
  if (!config) return null;
  if (config.mode === "ws") {
    throw new Error("配置有误：长连接（LARK_MODE=ws）需要常驻进程，只能在 Node 服务器上运行；Workers 请用事件订阅，例如 LARK_MODE=webhook。");
  }
  const connection = connectLark(config, larkDomain(config.domain));
  const sender = createLarkSender(deps, connection.client, { clear: () => connection.clearTokens() });
  const inboxHandler = createInboxHandler(config.botName);
  deps.chatFiles = connection.files;
  const drain = async () => {
    for (let i = 0; i < MAX_PASSES; i++) {
      const inbox = await handleInbox(deps, inboxHandler);
      const file = await downloadNextChatFile(deps);
      const sent = await deliverOutbox(deps, sender);
      if (Number(file) + inbox.handled + inbox.failed + sent.delivered + sent.retried + sent.parked === 0) return;
    }
  };
  let kicked: Promise<void> = Promise.resolve();
  const kick = () => {
    kicked = kicked.then(drain).catch((err) => console.error(`处理收到的消息或投递出错：${(err as Error).message}`));
  };
  const routes = new Hono<AppEnv>()
    .route("/lark", larkWebhook({ botName: config.botName, kick, encryptKey: config.encryptKey, verificationToken: config.verificationToken }))
    // What the mini-app's sign-in needs to know (the built files themselves are Workers static assets).
    .get("/app/config", (c) => c.json({ appId: config.appId, sandbox: false }));
  return {
    routes,
    signIn: connection.signIn,
    platformToken: () => connection.platformToken(),
    drain,
    settled: () => kicked,
    directory: larkDirectory(() => connection.client, { clearTokens: () => connection.clearTokens() }),
  };
}
