import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, PHONE, SCREENSHOTS } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// The README's walk-through, in a real browser: raise a request in the sandbox chat, approve it from the card.

let h: BotHarness;
let browser: Browser;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the sandbox chat page", () => {
  it("a member raises a joint request; the head approves it from the card", async () => {
    const page = await browser.newPage(PHONE);
    await page.goto(`${h.base}/sandbox?user=ou_liuyang`);
    await page.getByText("与协同助手私聊").waitFor();
    await page.getByPlaceholder(/输入消息/).fill("/发起 某企业申请注销，请协助核查");
    await page.getByRole("button", { name: "发送" }).click();
    await h.flush();
    await page.getByText("已提交本部门负责人审批", { exact: false }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, "sandbox-raise.png") });

    await page.goto(`${h.base}/sandbox?user=ou_zhaomin`);
    const card = page.locator(".card").filter({ hasText: "待审批" });
    await card.waitFor({ timeout: 10_000 });
    await card.getByPlaceholder("审批意见（驳回时必填）").fill("同意联办");
    await card.getByRole("button", { name: "同意" }).click();
    await page.locator("#toast").getByText("已同意").waitFor();
    await h.flush();
    await page.getByText("审批结果", { exact: false }).waitFor({ timeout: 10_000 });
    await expect(card.getByRole("button", { name: "同意" }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, "sandbox-approved.png") });

    const tasks = await h.db.kysely.selectFrom("tasks").select("state").execute();
    expect(tasks.map((t) => t.state)).toEqual(["pending_accept", "pending_accept", "pending_accept"]);
    await page.close();
  });
});
