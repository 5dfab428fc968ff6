import { createWorkerBot, type WorkerBot } from "../bot/workerRuntime";
import { loadConfig } from "./config";
import type { Deps } from "./commands/context";
import { createDb } from "./db/client";
import { createApp } from "./http/app";
import { jobs } from "./jobs";

// Cloudflare Workers entry point. Workers have no disk for PGlite: DATABASE_URL (a PostgreSQL server, or a
// Hyperdrive binding) is required, and the schema is migrated beforehand from Node with `npm run migrate`.
// With LARK_APP_ID the whole product runs here: the webhook and card callbacks, delivery right after a change
// (ctx.waitUntil) and on the Cron Trigger with the other jobs. The long connection (LARK_MODE=ws) is Node only.
interface WorkerEnv {
  DATABASE_URL?: string;
  HYPERDRIVE?: { connectionString: string };
  [key: string]: unknown;
}

interface WorkerContext {
  waitUntil(p: Promise<unknown>): void;
}

const MISSING_DATABASE = "Workers 部署需要设置 DATABASE_URL 或 Hyperdrive 绑定，例如 npx wrangler secret put DATABASE_URL。";

function connectionString(env: WorkerEnv): string | undefined {
  return env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
}

const stringVars = (env: WorkerEnv) => Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;

export default {
  /** The Cron Trigger (wrangler.toml `[triggers] crons`): the same jobs as the Node scheduler, then the inbox and the outbox. */
  async scheduled(_controller: unknown, env: WorkerEnv, ctx: WorkerContext): Promise<void> {
    const databaseUrl = connectionString(env);
    if (!databaseUrl) throw new Error(MISSING_DATABASE);
    const vars = stringVars(env);
    const config = loadConfig({ ...vars, DATABASE_URL: databaseUrl });
    const db = await createDb({ databaseUrl, poolSize: 1, preparedStatements: 0 });
    const run = (async () => {
      try {
        const deps: Deps = { db, config, now: () => new Date() };
        // The bot is built first so that the nightly org sync can read the contact directory; a misconfigured bot
        // stops no job and is reported after them, as before.
        let bot: WorkerBot | null = null;
        let botError: unknown = null;
        try {
          bot = createWorkerBot(deps, vars);
          if (bot) deps.directory = bot.directory;
        } catch (err) {
          botError = err;
        }
        for (const job of jobs) {
          try {
            await job.perform(deps);
          } catch (err) {
            console.error(JSON.stringify({ level: 50, job: job.name, err: (err as Error).message, msg: "job failed" }));
          }
        }
        if (botError) throw botError;
        await bot?.drain();
      } finally {
        await db.close();
      }
    })();
    ctx.waitUntil(run);
    await run;
  },

  async fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response> {
    const vars = stringVars(env);
    const databaseUrl = connectionString(env);
    if (!databaseUrl) return Response.json({ error: { code: "misconfigured", message: MISSING_DATABASE } }, { status: 500 });
    let config;
    try {
      config = loadConfig({ ...vars, DATABASE_URL: databaseUrl });
    } catch (err) {
      return Response.json({ error: { code: "misconfigured", message: (err as Error).message } }, { status: 500 });
    }
    // Connections do not outlive a Worker request: build the deps per request (no module globals). A statement is
    // parsed each time: a connection this short would never run a kept one again (and Hyperdrive pools them).
    const db = await createDb({ databaseUrl, poolSize: 1, preparedStatements: 0 });
    const deps: Deps = { db, config, now: () => new Date() };
    let bot: WorkerBot | null;
    try {
      bot = createWorkerBot(deps, vars);
      if (bot) deps.directory = bot.directory;
    } catch (err) {
      await db.close();
      return Response.json({ error: { code: "misconfigured", message: (err as Error).message } }, { status: 500 });
    }
    try {
      const app = createApp(deps, bot ? { routes: bot.routes, signIn: bot.signIn, platformToken: () => bot.platformToken() } : undefined);
      return await app.fetch(request);
    } finally {
      // The database stays open for the work kicked during the request, which finishes after the response.
      ctx.waitUntil((bot?.settled() ?? Promise.resolve()).finally(() => db.close()));
    }
  },
};
