import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { launchBrowser, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// 整改 and 申诉 on the mini-app's request page, in real Chromium: each person sees the buttons they may use,
// the forms refuse empty words with the server's Chinese message, and the page shows the 整改 as it stands.

let h: BotHarness;
let browser: Browser;
let number = "";

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  number = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司营业执照", source: "chat" })).request.number;
  await h.as("ou_zhangwei", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_wangfang" } });
  await h.as("ou_wangfang", taskCompleter, { task: { requestNumber: number }, result: "经核查，营业执照真实有效" });
  await h.as("ou_liuyang", taskEvaluator, { task: { requestNumber: number }, score: 2, comment: "答复敷衍" });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const open = async (name: string): Promise<{ page: Page; amr: Locator }> => {
  const page = await signInToMiniapp(browser, h.base, name);
  await page.goto(`${h.base}/app/#r/${number}`);
  const amr = page.locator("li.task").filter({ hasText: "市市场监督管理局（" });
  await amr.waitFor();
  return { page, amr };
};
const buttonsIn = async (where: Locator) => (await where.locator(":scope > .actions button").allInnerTexts()).map((t) => t.trim());

describe("整改 on the request page", () => {
  it("the head answers, the requester disputes, a supervisor decides; each sees only their buttons", async () => {
    const head = await open("张伟");
    await head.amr.getByText("整改：待整改").waitFor();
    expect(await buttonsIn(head.amr)).toEqual(["整改答复", "申诉"]);
    await head.amr.getByRole("button", { name: "整改答复" }).click();
    await head.amr.getByRole("button", { name: "提交整改情况" }).click();
    await expect.poll(() => head.amr.getByRole("alert").innerText()).toContain("请填写整改情况");
    await head.amr.getByLabel("整改情况").fill("已约谈经办人，建立答复前复核制度");
    await head.amr.getByRole("button", { name: "提交整改情况" }).click();
    await head.amr.getByText("已答复整改情况，等待发起人确认").waitFor();
    await head.amr.getByText("整改：待发起人确认").waitFor();
    expect(await buttonsIn(head.amr)).toEqual(["申诉"]);
    await head.page.close();

    const requester = await open("刘洋");
    expect(await buttonsIn(requester.amr)).toEqual(["确认整改", "整改异议"]);
    await requester.amr.getByRole("button", { name: "整改异议" }).click();
    await requester.amr.getByLabel("异议理由").fill("整改措施未落实到位");
    await requester.amr.getByRole("button", { name: "提交异议" }).click();
    await requester.amr.getByText("已提出异议，督查将裁定").waitFor();
    expect(await buttonsIn(requester.amr)).toEqual([]);
    await requester.page.close();

    const supervisor = await open("姜平");
    // 重新督办 stays open to a supervisor for 10 working days after completion.
    expect(await buttonsIn(supervisor.amr)).toEqual(["裁定整改异议", "重新督办"]);
    await supervisor.amr.getByRole("button", { name: "裁定整改异议" }).click();
    await supervisor.amr.getByRole("button", { name: "提交裁定" }).click();
    await expect.poll(() => supervisor.amr.getByRole("alert").innerText()).toContain("请先选择裁定结果");
    await supervisor.amr.getByLabel("异议不成立").check();
    await supervisor.amr.getByLabel("裁定意见").fill("整改措施已落实");
    await supervisor.amr.getByRole("button", { name: "提交裁定" }).click();
    await supervisor.amr.getByText("已裁定：异议不成立").waitFor();
    await supervisor.amr.getByText("督查裁定：异议不成立，整改措施已落实").waitFor();
    await supervisor.page.close();

    const item = await h.db.kysely.selectFrom("rectifications").selectAll().executeTakeFirstOrThrow();
    expect(item).toMatchObject({ state: "resolved", decision: "not_upheld", verdictComment: "整改措施未落实到位" });
  });
});
