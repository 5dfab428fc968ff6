import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_dev, type Unstable_DevWorker } from "wrangler";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import type { Db } from "../../src/db/client";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import { createTestDb } from "../support/db";
import { BURST_APP, startBurstPlatform, type BurstPlatform } from "../support/eventBurst";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The whole product on Cloudflare Workers, run locally by wrangler (workerd) against PostgreSQL and the sandbox's
// Open API served by this process: a signed, encrypted chat message becomes a request and its replies are sent
// after the response (ctx.waitUntil); a card click is answered in the response; the Cron Trigger delivers the
// outbox and runs the deadline sweep. PostgreSQL only (skipped without TEST_DATABASE_URL): Workers have no PGlite.

const pg = process.env.TEST_DATABASE_URL;
const root = join(import.meta.dirname, "..", "..");

let platform: BurstPlatform;
let worker: Unstable_DevWorker;
let base: string;
let db: Db;

/** Polls until `check` answers something other than undefined (the machine is shared: up to two minutes). */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 240; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`等待超时：${what}`);
}

const texts = (openId: string) =>
  platform.sandbox
    .messages({ receiveId: openId })
    .filter((m) => m.sender.sender_type === "app" && m.msg_type === "text")
    .map((m) => String(JSON.parse(m.content).text));

describe.runIf(pg)("the product on Cloudflare Workers (wrangler dev, workerd)", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    db = await createTestDb();
    await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
    platform = await startBurstPlatform();
    if (!existsSync(join(root, "dist", "worker-assets", "app", "index.html"))) {
      execFileSync(process.execPath, [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "miniapp/vite.config.ts", "--logLevel", "warn", "--outDir", join(root, "dist", "worker-assets", "app"), "--emptyOutDir"], { cwd: root });
    }
    // The Worker works in this test's schema (search_path), as a Hyperdrive connection string may say.
    const url = new URL(pg!);
    url.searchParams.set("options", `-c search_path=${db.schema}`);
    worker = await unstable_dev(join(root, "src", "main.worker.ts"), {
      config: join(root, "wrangler.toml"),
      ip: "127.0.0.1",
      logLevel: "warn",
      vars: {
        DATABASE_URL: url.toString(),
        LARK_APP_ID: BURST_APP.id,
        LARK_APP_SECRET: BURST_APP.secret,
        LARK_ENCRYPT_KEY: BURST_APP.encryptKey,
        LARK_VERIFICATION_TOKEN: BURST_APP.token,
        LARK_DOMAIN: platform.base,
        AUDIT_HMAC_KEY: "worker-test-audit-key-0123456789abcdef",
      },
      experimental: { disableExperimentalWarning: true, testScheduled: true },
    });
    base = `http://${worker.address}:${worker.port}`;
    platform.sandbox.setEventUrl(`${base}/lark/events`);
  }, 300_000);
  afterAll(async () => {
    await worker?.stop();
    await platform?.close();
    await db?.close();
  });

  it("is ready: database, migrations and a platform token from inside the Worker", async () => {
    const res = await fetch(`${base}/readyz`);
    expect(await res.json()).toEqual({ ok: true, checks: { database: { ok: true }, migrations: { ok: true }, platform: { ok: true } } });
  });

  it("a signed, encrypted chat message becomes a request; the requester and the department's group are told after the response", async () => {
    const { delivery } = await platform.sandbox.sendUserMessage({ openId: "ou_member", text: "/发起 @市监局 核查营业执照 云端第1件" });
    expect(delivery.status).toBe(200);
    const request = await until("事项写入数据库", async () => db.kysely.selectFrom("requests").select(["number", "title"]).where("title", "like", "%云端第1件%").executeTakeFirst());
    const reply = await until("回复发起人", () => texts("ou_member").find((t) => t.includes(request.number)));
    expect(reply).toContain(request.number);
    const card = await until("部门群收到卡片", () => platform.sandbox.messages({ chatId: "oc_amr" }).find((m) => m.msg_type === "interactive" && m.content.includes(request.number)));
    expect(JSON.parse(card.content).header.title.content).toBe(`${request.number} ${request.title}`);
  });

  it("a card click is answered within the response", async () => {
    const card = platform.sandbox.messages({ chatId: "oc_amr" }).find((m) => m.msg_type === "interactive")!;
    const task = await db.kysely.selectFrom("tasks").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    const answer = await platform.sandbox.clickCard({ openId: "ou_amrhead", messageId: card.message_id, value: { a: "accept", taskId: task.id }, name: "accept" });
    expect(answer.status).toBe(200);
    expect(answer.body.toast).toEqual({ type: "success", content: "已签收" });
    expect(answer.body.card.data.body.elements.map((e: { content?: string }) => e.content ?? "").join("\n")).toContain("**状态**：办理中");
    expect((await db.kysely.selectFrom("tasks").select("state").where("id", "=", task.id).executeTakeFirstOrThrow()).state).toBe("in_progress");
  });

  it("the Cron Trigger delivers what waits in the outbox and runs the deadline sweep", async () => {
    await enqueueMessages(db.kysely, [{ topic: "bot.reply", to: { type: "open_id", id: "ou_member2" }, payload: { reply: { text: "定时投递：来自 Cron Trigger" } } }], new Date());
    const task = await db.kysely.selectFrom("tasks").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    await sql`update tasks set due_at = now() - interval '3 days' where id = ${task.id}`.execute(db.kysely);
    expect(texts("ou_member2")).not.toContain("定时投递：来自 Cron Trigger");

    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    expect(res.status).toBe(200);
    await until("定时任务投递消息", () => (texts("ou_member2").includes("定时投递：来自 Cron Trigger") ? true : undefined));
    await until("扫描把超期任务标红", async () => ((await db.kysely.selectFrom("tasks").select("everRed").where("id", "=", task.id).executeTakeFirstOrThrow()).everRed ? true : undefined));
  });

  it("serves the mini-app's built files as static assets, and its sign-in settings", async () => {
    const page = await fetch(`${base}/app/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=");
    expect(await (await fetch(`${base}/app/config`)).json()).toEqual({ appId: BURST_APP.id, sandbox: false });
  });
});
