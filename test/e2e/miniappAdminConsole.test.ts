import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { enqueueMessages } from "../../src/db/repositories/outbox";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// The admin console's screens in real Chromium: 姜平 (supervisor) searches every request; 刘洋 raises a 联办
// request by the structured form; 邹斌 (admin) manages access tokens and parked messages.

let h: BotHarness;
let browser: Browser;
const n = { licence: "", secret: "" };

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  n.licence = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司营业执照 截止:1个工作日", source: "chat" })).request.number;
  n.secret = (await h.as("ou_liuyang", requestCreator, { text: "@税务局 核查举报线索", classification: "sensitive", source: "chat" })).request.number;
  await h.as("ou_chenjing", requestCreator, { text: "@人社局 出具张三参保证明", source: "chat" });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("事项检索", () => {
  it("姜平 finds a request by its number and by its words, and opens it", async () => {
    const page = await signInToMiniapp(browser, h.base, "姜平");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "检索" }).click();
    const box = page.getByLabel("编号或文字");
    await box.fill(n.licence);
    await page.getByRole("button", { name: "检索" }).click();
    const row = page.locator("li.item").filter({ hasText: n.licence });
    await row.waitFor();
    // The list shows recent requests before the search answers: wait for the answer, not for the first row.
    await expect.poll(() => page.locator("li.item").count(), { timeout: 10_000 }).toBe(1);
    expect(await row.innerText()).toContain("核查某公司营业执照");
    expect(await row.innerText()).toContain("发往 市市场监督管理局");

    await box.fill("参保证明");
    await page.getByRole("button", { name: "检索" }).click();
    await page.locator("li.item").filter({ hasText: "出具张三参保证明" }).waitFor();
    await expect.poll(() => page.locator("li.item").count(), { timeout: 10_000 }).toBe(1);
    // A supervisor sees the sensitive one too, marked.
    await box.fill("举报线索");
    await page.getByRole("button", { name: "检索" }).click();
    await page.locator("li.item").filter({ hasText: "（涉密）核查举报线索" }).waitFor();
    // Filters: by target department.
    await box.fill("");
    await page.getByRole("button", { name: "检索" }).click();
    await page.getByLabel("承办部门").selectOption({ label: "市市场监督管理局" });
    await page.locator("li.item").filter({ hasText: n.licence }).waitFor();
    await expect.poll(() => page.locator("li.item").count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-search.png"), fullPage: true });
    await page.locator("li.item").filter({ hasText: n.licence }).click();
    await page.locator("li.task").filter({ hasText: "市市场监督管理局（" }).waitFor();
    await page.close();
  });

  it("an admin's search respects visibility: the sensitive request is not found; a member has no 检索 tab", async () => {
    const page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "检索" }).click();
    await page.getByLabel("编号或文字").fill(n.secret);
    await page.getByRole("button", { name: "检索" }).click();
    await page.getByText("没有符合条件的事项。").waitFor();
    await page.getByLabel("编号或文字").fill("核查");
    await page.getByRole("button", { name: "检索" }).click();
    await page.locator("li.item").filter({ hasText: n.licence }).waitFor();
    expect(await page.locator(".search").innerText()).not.toContain("举报线索");
    await page.close();
    const member = await signInToMiniapp(browser, h.base, "刘洋");
    await member.getByRole("link", { name: "待办" }).waitFor();
    expect(await member.getByRole("link", { name: "检索" }).count()).toBe(0);
    expect(await member.getByRole("link", { name: "访问令牌" }).count()).toBe(0);
    await member.close();
  });
});

describe("发起 by form", () => {
  it("刘洋 picks two departments by 简称, sees the live preview, raises a 联办 request that matches it", async () => {
    const page = await signInToMiniapp(browser, h.base, "刘洋");
    page.setDefaultTimeout(15_000);
    await page.goto(`${h.base}/app/#new`);
    await page.getByRole("link", { name: "用表单填写" }).click();
    const picker = page.getByPlaceholder("输入部门名称或简称搜索，如 人社局");
    await picker.fill("市监局");
    await page.getByRole("button", { name: /市市场监督管理局/ }).click();
    await picker.fill("税务局");
    await page.getByRole("button", { name: /国家税务总局临江市税务局/ }).click();
    await page.getByPlaceholder("例如：核查某公司营业执照及纳税情况").fill("核查某公司营业执照及纳税情况");
    await page.getByLabel("紧急程度").selectOption("urgent");
    const preview = page.locator("section.plan");
    await preview.waitFor();
    const shown = await preview.innerText();
    expect(shown).toContain("市市场监督管理局主办");
    expect(shown).toContain("国家税务总局临江市税务局协办");
    expect(shown).toContain("紧急");
    // The same preview as the API gives for this form.
    const api = await h.app.request("/api/requests/preview", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: await cookieOf(page) , "x-csrf-token": await csrfOf(page) },
      body: JSON.stringify({ form: { departments: ["city-amr", "city-tax"], content: "核查某公司营业执照及纳税情况", priority: "urgent" } }),
    });
    const plan = (await api.json()) as { explanation: string; dueAt: string };
    expect(shown).toContain(plan.explanation);
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-raise-form.png"), fullPage: true });
    await page.getByRole("button", { name: "确认发起" }).click();
    await page.locator("li.task").filter({ hasText: "国家税务总局临江市税务局（" }).waitFor();
    const number = decodeURIComponent(new URL(page.url()).hash.replace(/^#r\//, ""));
    const tasks = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select(["departments.code", "tasks.role", "tasks.dueAt", "requests.priority", "requests.source"])
      .where("requests.number", "=", number)
      .orderBy("tasks.id")
      .execute();
    expect(tasks.map((t) => [t.code, t.role, t.priority, t.source, new Date(t.dueAt).toISOString()])).toEqual([
      ["city-amr", "lead", "urgent", "miniapp", plan.dueAt],
      ["city-tax", "supporting", "urgent", "miniapp", plan.dueAt],
    ]);
    await page.close();
  });
});

describe("admin screens", () => {
  it("邹斌 makes a token bound to a person, sees it once, and revokes it", async () => {
    const page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "访问令牌" }).click();
    await page.getByRole("button", { name: "生成令牌" }).click();
    await page.getByPlaceholder("如 政务服务网对接").fill("政务服务网对接");
    await page.getByPlaceholder("输入部门名称或简称搜索，如 人社局").fill("滨江");
    await page.getByRole("button", { name: /滨江街道/ }).first().click();
    await page.getByRole("button", { name: "生成", exact: true }).click();
    await page.getByText("请选择令牌代表的人员").waitFor();
    await page.getByLabel("人员", { exact: true }).selectOption({ label: "刘洋" });
    await page.getByRole("button", { name: "生成", exact: true }).click();
    const secret = (await page.locator("code.secret").innerText()).trim();
    expect(secret).toMatch(/^xt_/);
    const me = await h.app.request("/api/me", { headers: { authorization: `Bearer ${secret}` } });
    expect(((await me.json()) as { name: string }).name).toBe("刘洋");
    await page.getByRole("button", { name: "我已保存" }).click();
    const row = page.locator("li.item").filter({ hasText: "政务服务网对接" });
    expect(await row.innerText()).toContain("代表 刘洋");
    expect(await page.locator(".tokens").innerText()).not.toContain(secret);
    await row.getByRole("button", { name: "吊销" }).click();
    await row.getByRole("button", { name: "确认吊销" }).click();
    await row.getByText("已吊销").waitFor();
    expect((await h.app.request("/api/me", { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    await page.close();
  });

  it("邹斌 sees a parked message with its error, and discards it with a reason", async () => {
    await enqueueMessages(h.db.kysely, [{ topic: "task.announced", to: { type: "chat_id", id: "oc_dissolved" }, payload: {} }], h.deps.now());
    await h.db.kysely
      .updateTable("outbox")
      .set({ parkedAt: h.deps.now(), parkReason: "平台拒收，重试也不会成功，已停止发送", lastError: "230002 Bot/User can NOT be out of the chat." })
      .where("recipientId", "=", "oc_dissolved")
      .execute();
    const page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "搁置消息" }).click();
    const row = page.locator("li.item").filter({ hasText: "oc_dissolved" });
    await row.getByText("最后错误：230002 Bot/User can NOT be out of the chat.").waitFor();
    await row.getByRole("button", { name: "作废" }).click();
    await row.getByRole("button", { name: "确认作废" }).click();
    await row.getByText("reason 至少 2 个字").waitFor();
    await row.getByLabel("作废原因").fill("该群已解散");
    await row.getByRole("button", { name: "确认作废" }).click();
    await page.getByText(/已作废消息 #\d+。/).waitFor();
    // The flash comes first, the reloaded list after it.
    await expect.poll(() => page.locator("li.item").filter({ hasText: "oc_dissolved" }).count(), { timeout: 10_000 }).toBe(0);
    const audit = await h.db.kysely.selectFrom("auditEvents").selectAll().where("action", "=", "outbox.discard").executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actorName: "邹斌", data: { reason: "该群已解散" } });
    await page.close();
  });
});

async function cookieOf(page: import("playwright-core").Page) {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}
async function csrfOf(page: import("playwright-core").Page) {
  const r = await page.evaluate(async () => (await fetch("/api/me")).json());
  return (r as { csrfToken: string }).csrfToken;
}
