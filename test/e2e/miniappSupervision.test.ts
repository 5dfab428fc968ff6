import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// The 督办 tab in the mini-app, in real Chromium: 姜平 (the demo city's supervisor) finds the overdue tasks,
// filters them, opens one and gives a 督办 instruction from the request page; nobody else has the tab.

let h: BotHarness;
let browser: Browser;
const n = { late: "", onTime: "" };

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  n.late = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司营业执照 截止:1个工作日", source: "chat" })).request.number;
  await h.as("ou_lina", taskAccepter, { task: { requestNumber: n.late }, assignee: { openId: "ou_wangfang" } });
  h.setNow("2026-11-27T10:00:00+08:00"); // Friday: the first is 3 working days overdue
  n.onTime = (await h.as("ou_liuyang", requestCreator, { text: "@人社局 出具张三参保证明", source: "chat" })).request.number;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the 督办 tab", () => {
  it("姜平 sees the overdue task with its light in words, filters, opens it and supervises; the list then shows 督办中", async () => {
    const page = await signInToMiniapp(browser, h.base, "姜平");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "督办" }).click();
    const row = page.locator("li.item").filter({ hasText: n.late });
    await row.waitFor();
    expect(await row.innerText()).toContain("核查某公司营业执照");
    expect(await row.innerText()).toContain("市市场监督管理局 · 经办人 王芳 · 办理中");
    expect(await row.innerText()).toContain("超期 3 个工作日");
    expect(await row.innerText()).toContain("未督办");
    expect(await page.locator("li.item").filter({ hasText: n.onTime }).count()).toBe(0);

    // Filters: another target department empties it; 超期 5 个工作日以上 too; back to all.
    await page.getByLabel("承办部门").selectOption({ label: "市人力资源和社会保障局" });
    await page.getByText("没有超期或督办中的任务。").waitFor();
    await page.getByLabel("承办部门").selectOption({ label: "市市场监督管理局" });
    await row.waitFor();
    await page.getByLabel("超期").selectOption("5");
    await page.getByText("没有超期或督办中的任务。").waitFor();
    await page.getByLabel("超期").selectOption("2");
    await row.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-supervision-list.png"), fullPage: true });

    // The request page: 督办 with an instruction.
    await row.click();
    const amr = page.locator("li.task").filter({ hasText: "市市场监督管理局（" });
    await amr.waitFor();
    await amr.getByRole("button", { name: "督办" }).click();
    await amr.getByRole("button", { name: "下达督办" }).click();
    await amr.getByText("请填写督办意见").waitFor();
    await amr.getByLabel("督办意见").fill("请于今天下班前办结并报送结果");
    await amr.getByRole("button", { name: "下达督办" }).click();
    await amr.getByText("已督办，承办部门负责人已收到督办通知和加急提醒").waitFor();
    expect(await amr.locator(".supervision-records").innerText()).toContain("督办中（自 11月27日 起，1 条意见）");
    expect(await amr.locator(".supervision-records").innerText()).toContain("姜平：请于今天下班前办结并报送结果");
    const record = await h.db.kysely.selectFrom("supervisions").selectAll().where("taskId", "=", Number(await amr.getAttribute("data-task"))).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ openedByName: "姜平", closedAt: null });
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-supervise.png"), fullPage: true });

    // Back on the list, with 只看督办中.
    await page.getByRole("link", { name: "督办" }).click();
    await page.getByLabel("只看督办中").check();
    const supervised = page.locator("li.item").filter({ hasText: n.late });
    await supervised.filter({ hasText: "督办中（自 11月27日 起，1 条意见）" }).waitFor();
    await page.close();
  });

  it("a member and a department head have no 督办 tab, and no 督办 button on the request page", async () => {
    for (const name of ["刘洋", "张伟"]) {
      const page = await signInToMiniapp(browser, h.base, name);
      expect(await page.getByRole("link", { name: "督办" }).count(), name).toBe(0);
      await page.goto(`${h.base}/app/#r/${n.late}`);
      await page.locator("li.task").first().waitFor();
      expect(await page.getByRole("button", { name: "督办" }).count(), name).toBe(0);
      await page.close();
    }
  });
});
