import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// 组织机构 in real Chromium: 邹斌 (admin) finds a department by its 简称, edits its 简称, moves a person, and runs
// the sync from the sandbox's contact directory (preview, then apply) and sees who left with their open work.

let h: BotHarness;
let browser: Browser;
let number = "";

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
  browser = await launchBrowser();
  number = (await h.as("ou_liuyang", requestCreator, { text: "@应急局 排查辖区危化品仓库", source: "chat" })).request.number;
  await h.as("ou_kongliang", taskAccepter, { task: { requestNumber: number }, assignee: { name: "曹宇" } });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("组织机构", () => {
  it("a member has no 组织机构 tab", async () => {
    const page = await signInToMiniapp(browser, h.base, "刘洋");
    await page.getByRole("link", { name: "待办" }).waitFor();
    expect(await page.getByRole("link", { name: "组织机构" }).count()).toBe(0);
    await page.close();
  });

  it("邹斌 searches by 简称, edits a department's 简称, moves a person, previews and applies the sync", async () => {
    const page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "组织机构" }).click();
    await page.locator("li.dept[data-code=city-medins]").waitFor();

    // Search by 简称.
    await page.getByLabel("部门名称、简称或姓名").fill("医保局");
    await page.getByRole("button", { name: "搜索" }).click();
    const hit = page.locator("li.found-dept[data-code=city-medins]");
    await hit.waitFor();
    expect(await page.locator("li.found-dept").count()).toBe(1);
    expect(await hit.innerText()).toContain("市医疗保障局");

    // Edit its 简称; a bad work group is refused by the same schema before it is sent.
    await hit.getByRole("button", { name: "编辑" }).click();
    const form = page.getByRole("form", { name: "编辑部门" });
    await form.getByLabel("简称").fill("医保局、市医保局");
    await form.getByLabel("工作群 chat_id").fill("group1");
    await form.getByRole("button", { name: "保存部门" }).click();
    await page.getByRole("alert").filter({ hasText: "工作群的 chat_id 以 oc_ 开头，例如 oc_amr；不绑定填 null" }).waitFor();
    await form.getByLabel("工作群 chat_id").fill("");
    await form.getByLabel("层级").selectOption({ label: "市" });
    await form.getByRole("button", { name: "保存部门" }).click();
    await page.getByRole("status").filter({ hasText: "已保存部门「市医疗保障局」。" }).waitFor();
    const medins = page.locator("li.dept[data-code=city-medins]");
    await expect.poll(() => medins.innerText()).toContain("简称：医保局、市医保局");
    expect(await medins.locator(".badge.level").innerText()).toBe("市");
    await page.getByLabel("部门名称、简称或姓名").fill("市医保");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect.poll(() => page.locator("li.found-dept").allInnerTexts()).toEqual([expect.stringContaining("市医疗保障局")]);

    // Move 高峰 from 政务办 to 数据局 (the directory says the same).
    h.sandbox.moveUser("ou_gaofeng", "city-data");
    await page.getByLabel("部门名称、简称或姓名").fill("高峰");
    await page.getByRole("button", { name: "搜索" }).click();
    const person = page.locator("li.found-person[data-open-id=ou_gaofeng]");
    await person.waitFor();
    await person.getByRole("button", { name: "编辑" }).click();
    const pform = page.getByRole("form", { name: "编辑人员" });
    await pform.getByLabel("所在部门").selectOption("city-data");
    await pform.getByRole("button", { name: "保存人员" }).click();
    await page.getByRole("status").filter({ hasText: "已将 高峰 调至 市数据资源管理局。" }).waitFor();
    await page.locator("li.dept[data-code=city-data] li.person[data-open-id=ou_gaofeng]").waitFor();
    expect(await page.locator("li.dept[data-code=city-gso] li.person[data-open-id=ou_gaofeng]").count()).toBe(0);
    expect(await page.locator("li.dept[data-code=city-data] li.person[data-open-id=ou_gaofeng]").innerText()).toContain("科员");

    // The directory renames a department and loses 曹宇; preview lists exactly those two, apply applies them.
    h.sandbox.renameDepartment("city-eco", "市生态环境保护局");
    h.sandbox.removeUser("ou_caoyu");
    await page.getByRole("button", { name: "同步预览" }).click();
    const changes = page.getByRole("list", { name: "同步改动" });
    await changes.waitFor();
    await expect.poll(() => changes.locator("li").allInnerTexts()).toEqual(["部门更名：市生态环境局 → 市生态环境保护局", "离职：曹宇"]);
    expect(await page.locator(".sync-result .status").innerText()).toBe("预览：共 2 项改动，尚未应用。");
    // Nothing changed yet.
    expect(await page.locator("li.dept[data-code=city-eco]").innerText()).toContain("市生态环境局");

    await page.getByRole("button", { name: "应用" }).click();
    await page.getByRole("status").filter({ hasText: "已应用通讯录同步：共 2 项改动。" }).waitFor();
    expect(await page.locator(".sync-result .status").innerText()).toBe("已应用以下改动：");
    const handover = page.getByRole("list", { name: "离职人员待交接" }).locator("li[data-open-id=ou_caoyu]");
    expect(await handover.innerText()).toContain(`曹宇：在办任务 ${number}`);
    expect(await handover.getByRole("link", { name: "办理离岗交接" }).getAttribute("href")).toBe("#handover/ou_caoyu");
    await expect.poll(() => page.locator("li.dept[data-code=city-eco]").innerText()).toContain("市生态环境保护局");
    const caoyu = page.locator("li.person[data-open-id=ou_caoyu]");
    expect(await caoyu.innerText()).toContain("曹宇（已离职）");
    expect(await caoyu.innerText()).toContain("已离职，无角色");
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-org.png"), fullPage: true });

    // A second preview has nothing to do.
    await page.getByRole("button", { name: "同步预览" }).click();
    await page.locator(".sync-result .status").filter({ hasText: "通讯录与本系统一致，没有需要同步的改动。" }).waitFor();
    await page.close();
  });
});
