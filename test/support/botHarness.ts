import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createBotRuntime, type BotRuntime } from "../../bot/runtime";
import type { Sandbox } from "../../bot/sandbox";
import type { AppConfig } from "../../src/config";
import { createApp } from "../../src/http/app";
import type { Observability } from "../../src/observability";
import type { DeliveryLoopOptions } from "../../src/jobs/deliveryLoop";
import { miniappRoutes } from "../../src/http/routes/miniappStatic";
import { createHarness, type Harness } from "./harness";

export interface BotHarness extends Harness {
  bot: BotRuntime;
  sandbox: Sandbox;
  base: string;
  /** the Hono app the server serves */
  app: ReturnType<typeof createApp>;
  /** runs delivery until nothing is due */
  flush(): Promise<void>;
}

/**
 * The product as `npm start` runs it offline: server on a free port, the sandbox platform, the real SDK. With
 * `org`, that organisation is imported first and the sandbox gets its people and work groups instead of the demo city.
 */
export async function createBotHarness(
  startAt?: string,
  env: Record<string, string> = {},
  opts: { org?: unknown; delivery?: DeliveryLoopOptions; obs?: Observability; config?: Partial<AppConfig> } = {},
): Promise<BotHarness> {
  const h = await createHarness(startAt);
  if (opts.obs) h.deps.obs = opts.obs;
  if (opts.config) h.deps.config = { ...h.deps.config, ...opts.config };
  if (opts.org) await h.importOrg(opts.org);
  const bot = createBotRuntime(h.deps, env, { retryDelaysMs: [300, 600, 1200], ...(opts.delivery ? { delivery: opts.delivery } : {}) });
  h.deps.directory = bot.directory;
  bot.routes.route("/", miniappRoutes({ appId: bot.config.appId, sandbox: true }));
  const app = createApp(h.deps, { routes: bot.routes, signIn: bot.signIn, platformToken: () => bot.platformToken() });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await bot.start(base);
  return {
    ...h,
    bot,
    sandbox: bot.sandbox!,
    base,
    app,
    flush: async () => {
      await bot.kick();
      await bot.kick();
    },
    close: async () => {
      await bot.stop();
      await new Promise((r) => server.close(r));
      await h.close();
    },
  };
}

/** The text messages and card titles a chat shows, oldest first. */
export function shown(sandbox: Sandbox, filter: { chatId?: string; receiveId?: string }): string[] {
  return sandbox.messages(filter).map((m) => {
    const c = JSON.parse(m.content);
    return m.msg_type === "interactive" ? `[卡片] ${c.header?.title?.content ?? ""}` : String(c.text);
  });
}
