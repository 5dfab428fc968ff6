import { loadConfig } from "./config";
import { createDb } from "./db/client";
import { createApp } from "./http/app";
import { jobs } from "./jobs";

// Cloudflare Workers entry point. Workers have no disk for PGlite: DATABASE_URL (a PostgreSQL server, or a
// Hyperdrive connection string) is required, and the schema is migrated beforehand with `npm run migrate`.
interface WorkerEnv {
  DATABASE_URL?: string;
  HYPERDRIVE?: { connectionString: string };
  [key: string]: unknown;
}

function connectionString(env: WorkerEnv): string | undefined {
  return env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
}

export default {
  /** The Cron Trigger (wrangler.toml `[triggers] crons`): the same jobs as the Node scheduler, once per trigger. */
  async scheduled(_controller: unknown, env: WorkerEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<void> {
    const databaseUrl = connectionString(env);
    if (!databaseUrl) throw new Error("Workers 部署需要设置 DATABASE_URL 或 Hyperdrive 绑定。");
    const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const config = loadConfig({ ...vars, DATABASE_URL: databaseUrl });
    const db = await createDb({ databaseUrl, poolSize: 1 });
    const run = (async () => {
      try {
        for (const job of jobs) await job.perform({ db, config, now: () => new Date() });
      } finally {
        await db.close();
      }
    })();
    ctx.waitUntil(run);
    await run;
  },

  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const databaseUrl = connectionString(env);
    if (!databaseUrl) {
      return Response.json({ error: { code: "misconfigured", message: "Workers 部署需要设置 DATABASE_URL 或 Hyperdrive 绑定。" } }, { status: 500 });
    }
    const config = loadConfig({ ...vars, DATABASE_URL: databaseUrl });
    // Connections do not outlive a Worker request: build the deps per request (no module globals).
    const db = await createDb({ databaseUrl, poolSize: 1 });
    try {
      return await createApp({ db, config, now: () => new Date() }).fetch(request);
    } finally {
      await db.close();
    }
  },
};
