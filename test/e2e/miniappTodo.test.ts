import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { launchBrowser, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// The head's 待办 in the mini-app (real Chromium): results waiting for 确认办结, confirmed or sent back there,
// and the 每日待办提醒 switch.

let h: BotHarness;
let browser: Browser;
let number = "";

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  number = (await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "chat" })).request.number;
  await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: number }, decision: "approve" });
  await h.as("ou_fengjie", taskAccepter, { task: { requestNumber: number, departmentCode: "city-hrss" }, assignee: { openId: "ou_chugang" } });
  await h.as("ou_chugang", taskCompleter, { task: { requestNumber: number, departmentCode: "city-hrss" }, result: "社保已清算，无欠费" });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const hrssTask = () =>
  h.db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["tasks.state", "tasks.reviewPending"])
    .where("requests.number", "=", number)
    .where("departments.code", "=", "city-hrss")
    .executeTakeFirstOrThrow();

describe("待我确认办结 in the head's 待办", () => {
  it("lists the submitted result; 退回重办 needs a reason; 确认办结 completes it and it leaves the list", async () => {
    const page = await signInToMiniapp(browser, h.base, "郑丽");
    page.setDefaultTimeout(20_000);
    const section = page.locator("section").filter({ hasText: "待我确认办结" });
    await section.getByRole("heading", { name: "待我确认办结（1）" }).waitFor();
    const item = section.locator("li.item").filter({ hasText: number });
    await item.getByText("提交的办理结果：社保已清算，无欠费").waitFor();

    await item.getByRole("button", { name: "退回重办" }).click();
    await item.getByRole("button", { name: "确认退回" }).click();
    await page.getByText("请填写退回重办的理由。").waitFor();
    expect((await hrssTask()).reviewPending).toBe(true);
    await item.getByRole("button", { name: "退回重办" }).click();
    await item.getByLabel("退回理由").fill("请附社保清算单");
    await item.getByRole("button", { name: "确认退回" }).click();
    await page.getByText(`已退回重办 ${number}`).waitFor();
    expect(await hrssTask()).toEqual({ state: "in_progress", reviewPending: false });
    expect(await page.locator("section").filter({ hasText: "待我确认办结" }).count()).toBe(0);

    await h.as("ou_chugang", taskCompleter, { task: { requestNumber: number, departmentCode: "city-hrss" }, result: "社保已清算，附清算单" });
    await page.reload();
    await section.locator("li.item").filter({ hasText: number }).getByText("提交的办理结果：社保已清算，附清算单").waitFor();
    await section.getByRole("button", { name: "确认办结" }).click();
    await page.getByText(`已确认办结 ${number}`).waitFor();
    expect((await hrssTask()).state).toBe("completed");
    expect(await page.locator("section").filter({ hasText: "待我确认办结" }).count()).toBe(0);
    await page.close();
  });

  it("每日待办提醒 is switched off and on from the 待办 tab, and stored", async () => {
    const page = await signInToMiniapp(browser, h.base, "褚刚");
    page.setDefaultTimeout(20_000);
    const box = page.getByLabel("每日待办提醒");
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByText("已关闭：不再发送每日待办提醒。").waitFor();
    const stored = () => h.db.kysely.selectFrom("users").select("dailyDigest").where("openId", "=", "ou_chugang").executeTakeFirstOrThrow();
    expect((await stored()).dailyDigest).toBe(false);
    await page.reload();
    await page.getByLabel("每日待办提醒").waitFor();
    expect(await page.getByLabel("每日待办提醒").isChecked()).toBe(false);
    await page.getByLabel("每日待办提醒").check();
    await page.getByText("已开启：每个工作日早上发来临期、超期的任务清单。").waitFor();
    expect((await stored()).dailyDigest).toBe(true);
    await page.close();
  });
});
