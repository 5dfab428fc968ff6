import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMiniapp } from "../support/miniappBuild";
import { requestCreator } from "../../src/commands/requestCreator";
import { launchBrowser, PHONE, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// The mini-app in Debian's Chromium at phone size, signed in through the sandbox's code exchange.

let h: BotHarness;
let browser: Browser;
let closure = "";

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
  browser = await launchBrowser();
  closure = (await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "miniapp" })).request.number;
  await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司营业执照", source: "miniapp" });
  await h.as("ou_chenjing", requestCreator, { text: "@人社局 出具张三参保证明 !紧急", source: "miniapp" });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const signInAs = (name: string): Promise<Page> => signInToMiniapp(browser, h.base, name);

describe("the mini-app", () => {
  it("outside Lark it says so and, in sandbox mode, offers the demo users", async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${h.base}/app/`);
    await page.getByText("当前不在飞书客户端中").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-signin.png") });
    await page.close();
  });

  it("is served small and cached: the page revalidated, the hashed bundle compressed and kept", async () => {
    const page = await fetch(`${h.base}/app/`, { headers: { "accept-encoding": "gzip" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const html = await page.text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${h.base}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-encoding")).toBe("gzip");
    expect(bundle.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    // A bundle that is not there (an old build's) is a 404, not the page cached as a script.
    const gone = await fetch(`${h.base}/app/assets/nope.js`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get("cache-control")).toBeNull();
  });

  it("a head approves from 待办: the item leaves the list and the detail shows the new state", async () => {
    const page = await signInAs("赵敏");
    const item = page.locator("li.item").filter({ hasText: closure });
    await item.waitFor();
    await expect(page.getByRole("heading", { name: /待我审批（1）/ }).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-todo.png") });
    await item.getByRole("button", { name: "同意" }).click();
    await page.getByText(`已同意 ${closure}`).waitFor();
    await page.getByText("暂无待办事项。").waitFor();
    expect(await page.locator("li.item").filter({ hasText: closure }).count()).toBe(0);
    await page.goto(`${h.base}/app/#r/${closure}`);
    await page.getByText(`${closure} · 待签收`).waitFor();
    await expect(page.locator(".timeline li").filter({ hasText: "赵敏 审批同意" }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-detail.png"), fullPage: true });
    const tasks = await h.db.kysely.selectFrom("tasks").innerJoin("requests", "requests.id", "tasks.requestId").select("tasks.state").where("requests.number", "=", closure).execute();
    expect(tasks.map((t) => t.state)).toEqual(["pending_accept", "pending_accept", "pending_accept"]);
    await page.close();
  });

  it("a dispatcher's inbox lists the department's tasks and accepts one", async () => {
    const page = await signInAs("李娜");
    await page.getByRole("link", { name: "部门收件" }).click();
    await page.locator("li.item").first().waitFor();
    const count = await page.locator("li.item").count();
    expect(count).toBe(2); // the licence check and the closure's lead task
    await page.getByPlaceholder("编号或关键词").fill("营业执照");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.item").length === 1);
    await expect(page.locator("li.item .title").innerText()).resolves.toBe("核查某公司营业执照");
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-inbox.png") });
    await page.getByRole("link", { name: "待办" }).click();
    const first = page.locator("li.item").first();
    await first.getByRole("button", { name: "签收" }).click();
    await page.getByText(/^已签收 XT-2026-/).waitFor();
    await page.close();
  });

  it("the supervisor's board shows the same counts as the database", async () => {
    const page = await signInAs("姜平");
    await page.getByRole("link", { name: "晾晒" }).click();
    const cell = page.locator('[data-cell="dh-binjiang>city-hrss"]');
    await cell.waitFor();
    const expected = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments as f", "f.id", "requests.fromDepartmentId")
      .innerJoin("departments as t", "t.id", "tasks.departmentId")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("f.code", "=", "dh-binjiang")
      .where("t.code", "=", "city-hrss")
      .where("tasks.state", "in", ["pending_approval", "pending_accept", "in_progress", "awaiting_info"])
      .executeTakeFirstOrThrow();
    expect((await cell.innerText()).trim().split(/\s/)[0]).toBe(String(expected.n));
    await cell.click();
    await page.locator("section li.item").first().waitFor();
    expect(await page.locator("section li.item").count()).toBe(Number(expected.n));
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-board.png"), fullPage: true });
    await page.close();
  });
});
