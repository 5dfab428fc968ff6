import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSandbox } from "../../bot/runtime";
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
    await expect.poll(() => card.getByRole("button", { name: "同意" }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, "sandbox-approved.png") });

    const tasks = await h.db.kysely.selectFrom("tasks").select("state").execute();
    expect(tasks.map((t) => t.state)).toEqual(["pending_accept", "pending_accept", "pending_accept"]);
    await page.close();
  });

  it("imported names and ids that look like HTML show as text and run nothing", async () => {
    const deptName = `<img src=x onerror=alert("dept")>'局"`;
    const chatId = `oc_"><img src=x onerror=alert('chat')>`;
    const openId = `ou_"><img src=x onerror=alert('user')>`;
    const name = `<img src=x onerror=alert(1)>"张'`;
    await h.importOrg({ departments: [{ code: "evil", name: deptName, chatId }], users: [{ openId, name, department: "evil", roles: ["member"] }] });
    await seedSandbox(h.deps, h.sandbox); // the sandbox learns imported people and groups as at start

    const page = await browser.newPage(PHONE);
    page.setDefaultTimeout(8_000);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${h.base}/sandbox?user=${encodeURIComponent(openId)}`);
    await page.locator("#chats").getByText(`${deptName}工作群`, { exact: true }).click();
    await expect.poll(() => page.locator("#user").inputValue()).toBe(openId);
    await expect(page.locator("#user option:checked").textContent()).resolves.toBe(name);
    await expect.poll(() => page.locator("#chats .on").textContent()).toBe(`${deptName}工作群`);

    const text = `<img src=x onerror=alert("msg")> 看看'"`;
    await page.getByPlaceholder(/输入消息/).fill(text);
    await page.getByRole("button", { name: "发送" }).click();
    await page.locator("#log .bubble").getByText(text, { exact: true }).waitFor();
    await expect(page.locator("#log .who").first().textContent()).resolves.toBe(name);
    expect(h.sandbox.messages({ chatId })[0]).toMatchObject({ sender: { id: openId } });
    await page.screenshot({ path: join(SCREENSHOTS, "sandbox-escaped.png") });
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
