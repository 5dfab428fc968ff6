import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// Done when: a head sets a deputy in 「我的代理」 and sees the banner; the deputy approves from chat and the reply
// and the request's timeline show "（代 …）"; 离岗交接 moves a person's open tasks; a head switches 自动分配 to
// 轮流 and the next 签收 names a handler. Real Chromium, the sandbox platform and the real Lark SDK.

let h: BotHarness;
let browser: Browser;

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const lastText = (openId: string) => shown(h.sandbox, { receiveId: openId }).at(-1) ?? "";
const shot = (page: import("playwright-core").Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const assigneeOf = async (number: string) =>
  (
    await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .leftJoin("users", "users.id", "tasks.assigneeId")
      .select("users.name")
      .where("requests.number", "=", number)
      .executeTakeFirstOrThrow()
  ).name;

describe("代理 (delegation) from the mini-app to chat", () => {
  let number = "";

  it("赵敏 names 陈静 her deputy in 「我的代理」; a refusal is shown in Chinese; the banner shows on every screen", async () => {
    const page = await signInToMiniapp(browser, h.base, "赵敏");
    await page.getByRole("link", { name: "我的代理" }).click();
    await page.getByRole("button", { name: "设置代理人" }).click();
    const form = page.getByRole("form", { name: "设置代理人" });
    await form.getByLabel("代理人").selectOption({ label: "陈静" });
    await form.getByLabel("开始日期").fill("2026-11-24");
    await form.getByLabel("结束日期").fill("2026-11-23");
    await form.getByRole("button", { name: "确认设置" }).click();
    await expect.poll(() => form.getByRole("alert").innerText()).toContain("结束日期不能早于开始日期");
    await form.getByLabel("开始日期").fill("2026-11-23");
    await form.getByLabel("结束日期").fill("2026-11-25");
    await form.getByRole("button", { name: "确认设置" }).click();
    await page.getByRole("status").filter({ hasText: "已设置：陈静 代理全部事项，2026-11-23 至 2026-11-25" }).waitFor();
    await page.locator("li.item").filter({ hasText: "陈静 代理全部事项" }).filter({ hasText: "11月23日 至 11月25日（含）" }).waitFor();

    await page.reload();
    const banner = page.getByRole("status", { name: "代理提示" });
    await expect.poll(() => banner.innerText()).toContain("已委托 陈静 代理，至 11月25日");
    await page.getByRole("link", { name: "待办" }).click();
    await expect.poll(() => banner.innerText()).toContain("已委托 陈静 代理，至 11月25日");
    await shot(page, "miniapp-delegation-banner");
    await page.close();
  });

  it("陈静 approves 赵敏's request from chat: the reply and the request's timeline say 陈静（代 赵敏）", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 企业注销：某贸易公司申请注销，请各部门核查" });
    await h.flush();
    const row = await h.db.kysely.selectFrom("requests").select(["number", "status"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(row.status).toBe("pending_approval");
    number = row.number;

    const { delivery } = await h.sandbox.sendUserMessage({ openId: "ou_chenjing", text: `/同意 ${number}` });
    expect(delivery.status).toBe(200);
    await h.flush();
    await expect.poll(() => lastText("ou_chenjing")).toBe(`陈静（代 赵敏） 已同意 ${number}，已发送至承办部门。`);
    expect(shown(h.sandbox, { receiveId: "ou_liuyang" }).join("\n")).toContain("陈静（代 赵敏）");
    // The approval card 赵敏 was asked with now shows who decided, in the deputy's name.
    const cards = h.sandbox
      .messages({ chatId: h.sandbox.p2pChatFor("ou_zhaomin").chatId })
      .filter((m) => m.msg_type === "interactive")
      .map((m) => JSON.parse(m.content))
      .filter((c) => String(c.header?.title?.content ?? "").includes(number));
    expect(cards.at(-1).header.title.content).toMatch(new RegExp(`^已同意 ${number} `));
    const approvalText = (cards.at(-1).body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e])).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");
    expect(approvalText).toContain("**审批结果**：已同意（陈静（代 赵敏））");

    const page = await signInToMiniapp(browser, h.base, "陈静");
    const banner = page.getByRole("status", { name: "代理提示" });
    await expect.poll(() => banner.innerText()).toContain("您正代理 赵敏 处理全部事项，至 11月25日");
    await page.goto(`${h.base}/app/#r/${number}`);
    const approvals = page.locator("ol.timeline > li").filter({ hasText: "陈静（代 赵敏）" });
    await approvals.first().waitFor();
    // One approval per target department (the joint closure request goes to three), each in the deputy's name.
    expect((await approvals.allInnerTexts()).length).toBeGreaterThanOrEqual(1);
    expect(await page.locator("ol.timeline > li").filter({ hasText: "赵敏" }).filter({ hasNotText: "陈静（代 赵敏）" }).count()).toBe(0);
    await shot(page, "miniapp-delegation-timeline");
    await page.close();
  });
});

describe("离岗交接 and auto-assignment by the head of 市监局", () => {
  it("张伟 opens #handover/ou_wangfang, sees her open task and hands it to 孙强", async () => {
    const r = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某超市的营业执照", source: "chat" })).request;
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: r.number }, assignee: { name: "王芳" } });
    expect(await assigneeOf(r.number)).toBe("王芳");

    const page = await signInToMiniapp(browser, h.base, "张伟");
    await page.goto(`${h.base}/app/#handover/ou_wangfang`);
    await page.getByRole("heading", { name: "离岗交接：王芳" }).waitFor();
    const tasks = page.getByRole("region", { name: "经办的任务" });
    await tasks.locator("li").filter({ hasText: r.number }).waitFor();
    await page.getByRole("button", { name: "交接给接替人" }).click();
    await page.getByLabel("接替人", { exact: true }).selectOption({ label: "孙强" });
    await page.getByRole("button", { name: "确认交接" }).click();
    await page.getByRole("status").filter({ hasText: "已交接给 孙强：任务 1 项" }).waitFor();
    await expect.poll(() => tasks.locator("li").count()).toBe(0);
    expect(await assigneeOf(r.number)).toBe("孙强");
    await h.flush();
    expect(lastText("ou_sunqiang")).toContain(`王芳 的工作已交接给您（张伟 办理）：经办任务 ${r.number}`);
    await page.close();
  });

  it("张伟 switches 自动分配 to 轮流分配 in 部门设置; the next 签收 in chat names a handler", async () => {
    const page = await signInToMiniapp(browser, h.base, "张伟");
    await page.getByRole("link", { name: "部门设置" }).click();
    const setting = page.getByRole("radiogroup", { name: "自动分配方式" });
    await expect.poll(() => setting.getByLabel("不自动分配").isChecked()).toBe(true);
    await setting.getByLabel("轮流分配").check();
    await page.getByRole("status").filter({ hasText: "已设置为「轮流分配」" }).waitFor();
    await page.reload();
    await expect.poll(() => page.getByRole("radiogroup", { name: "自动分配方式" }).getByLabel("轮流分配").isChecked()).toBe(true);
    await page.close();

    const r = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某药店的营业执照", source: "chat" })).request;
    await h.sandbox.sendUserMessage({ openId: "ou_lina", text: `/签收 ${r.number}` });
    await h.flush();
    // 王芳 handed her work over (and her handler role), so 孙强 is the only handler left in the turn.
    await expect.poll(() => lastText("ou_lina")).toBe(`已签收 ${r.number}，按本部门自动分配交由 孙强 办理。发起人已收到通知。`);
    expect(await assigneeOf(r.number)).toBe("孙强");
  });

  it("a handler of 市监局 does not see 部门设置 and may not open another person's handover", async () => {
    const page = await signInToMiniapp(browser, h.base, "孙强");
    expect(await page.getByRole("link", { name: "部门设置" }).count()).toBe(0);
    await page.goto(`${h.base}/app/#handover/ou_lina`);
    // Not for a handler: the shell falls back to 待办.
    await page.getByRole("link", { name: "待办", exact: true }).waitFor();
    expect(await page.getByRole("heading", { name: /离岗交接/ }).count()).toBe(0);
    await page.close();
  });
});
