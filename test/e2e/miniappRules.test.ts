import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// The admin console in real Chromium: 邹斌 (the demo city's admin) edits a routing rule, tries it in the tester
// (as saved and as edited), saves it, and the next chat request (sandbox + real SDK) routes by the new version
// while the earlier task keeps the old one; then he adds a 2027 holiday and a new request's deadline moves.

let h: BotHarness;
let browser: Browser;
let page: Page;

const raise = async (text: string) => {
  await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text });
  await h.flush();
  // After a jump of the clock the platform's token has expired: the reply is retried a few seconds later.
  h.advanceHours(5 / 3600);
  await h.flush();
  return shown(h.sandbox, { receiveId: "ou_liuyang" }).at(-1)!;
};
const taskRule = (number: string) =>
  h.db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("routingRules", "routingRules.id", "tasks.ruleId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .select(["routingRules.code", "routingRules.version", "departments.name", "tasks.dueAt"])
    .where("requests.number", "=", number)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("the admin console", () => {
  it("a member has no admin tabs", async () => {
    const member = await signInToMiniapp(browser, h.base, "刘洋");
    for (const tab of ["路由规则", "节假日", "督办策略"]) expect(await member.getByRole("link", { name: tab }).count(), tab).toBe(0);
    await member.close();
  });

  it("邹斌 edits a rule, tries it, saves it; the next chat request routes by version 2 while the earlier task keeps version 1", async () => {
    const before = await raise("/发起 核查某公司营业执照");
    expect(before).toContain("发往：东湖区市场监督管理局");
    const oldNumber = /XT-2026-\d{6}/.exec(before)![0];

    page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "路由规则" }).click();
    const licence = page.locator("li.item[data-rule=licence]");
    await licence.waitFor();
    expect(await licence.innerText()).toContain("被规则 街镇证照核查（区级）（district-licence）抢先匹配");

    const district = page.locator("li.item[data-rule=district-licence]");
    await district.getByRole("button", { name: "编辑" }).click();
    const form = page.getByRole("form", { name: "编辑规则" });
    await form.getByLabel("承办部门（编码）").fill("city-amr");
    await form.getByLabel("办结时限（工作日）").fill("2");

    const tester = page.getByRole("form", { name: "规则试算" });
    await tester.getByLabel("发起内容（/发起 之后的内容）").fill("核查另一公司营业执照");
    await tester.getByLabel("发起部门").selectOption({ label: "东湖区滨江街道办事处" });
    await tester.getByLabel("发起时间（北京时间，可不填：现在）").fill("2026-11-23T10:00");
    await tester.getByRole("button", { name: "试算" }).click();
    const saved = tester.getByRole("region", { name: "按已保存的规则" });
    const edited = tester.getByRole("region", { name: "按修改后的规则" });
    await edited.waitFor();
    expect(await saved.innerText()).toContain("东湖区市场监督管理局");
    expect(await saved.innerText()).toContain("district-licence 第 1 版");
    expect(await saved.innerText()).toContain("11/26 17:30");
    const editedText = await edited.innerText();
    expect(editedText).toContain("市市场监督管理局");
    expect(editedText).toContain("district-licence 第 2 版");
    expect(editedText).toContain("时限 2 个工作日");
    expect(editedText).toContain("11/24 17:30"); // 签收时限
    expect(editedText).toContain("11/25 17:30"); // 办结时限
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-rule-tester.png"), fullPage: true });

    await form.getByRole("button", { name: "保存为新版本" }).click();
    await page.getByText("规则「街镇证照核查（区级）」已保存为第 2 版。").waitFor();
    await district.getByRole("button", { name: "版本历史" }).click();
    const history = page.getByLabel("district-licence 版本历史");
    await history.locator("[data-version='2']").waitFor();
    expect(await history.innerText()).toContain("承办部门：dh-amr → city-amr");
    expect(await history.innerText()).toContain("邹斌");

    const after = await raise("/发起 核查另一公司营业执照");
    expect(after).toContain("发往：市市场监督管理局");
    expect(after).toContain("截止：11月25日 17:30");
    const newNumber = /XT-2026-\d{6}/.exec(after)![0];
    expect(await taskRule(newNumber)).toMatchObject({ code: "district-licence", version: 2, name: "市市场监督管理局" });
    expect(await taskRule(oldNumber)).toMatchObject({ code: "district-licence", version: 1, name: "东湖区市场监督管理局" });
    const status = await raise(`/查询 ${oldNumber}`);
    expect(status).toContain("东湖区市场监督管理局");
  });

  it("邹斌 sees the 2027 schedule, adds a 2027 holiday with a reason, and a new request's deadline moves while the earlier one stays", async () => {
    h.setNow("2026-12-30T10:00:00+08:00"); // Wednesday
    const first = await raise("/发起 核查第三家公司营业执照");
    expect(first).toContain("截止：1月4日 17:30"); // 2 working days: Thu 12-31, (01-01 元旦) Mon 01-04

    // A month later the session has expired: 邹斌 opens the mini-app again.
    await page.close();
    page = await signInToMiniapp(browser, h.base, "邹斌");
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "节假日" }).click();
    const y2027 = page.getByRole("region", { name: "2027 年" });
    await y2027.locator("li.item[data-date='2027-01-01']").waitFor();
    expect(await y2027.locator("li.item[data-date='2027-01-01']").innerText()).toContain("放假");
    const form = page.getByRole("form", { name: "调整日期" });
    await form.getByLabel("日期").fill("2027-01-04");
    await form.getByLabel("调整为").selectOption("holiday");
    await form.getByRole("button", { name: "保存" }).click();
    await form.getByText("请填写调整原因").waitFor();
    await form.getByLabel("原因").fill("市政府通知：1月4日补休（示例）");
    await form.getByRole("button", { name: "保存" }).click();
    await page.getByText("2027-01-04 已设为放假（休息日）。未办结任务的时限不变。").waitFor();
    expect(await y2027.locator("li.item[data-date='2027-01-04']").innerText()).toContain("管理员调整：市政府通知：1月4日补休（示例）");
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-calendar.png"), fullPage: true });

    const second = await raise("/发起 核查第四家公司营业执照");
    expect(second).toContain("截止：1月5日 17:30"); // Thu 12-31, Tue 01-05
    const firstNumber = /XT-2026-\d{6}/.exec(first)![0];
    expect(new Date((await taskRule(firstNumber)).dueAt).toISOString()).toBe("2027-01-04T09:30:00.000Z"); // kept
  });

  it("邹斌 sets an escalation policy on the 督办策略 screen, refused first with the schema's message", async () => {
    await page.getByRole("link", { name: "督办策略" }).click();
    await page.getByRole("button", { name: "新建策略" }).click();
    const form = page.getByRole("form", { name: "编辑督办策略" });
    await form.getByLabel("编码", { exact: true }).fill("licence-late");
    await form.getByLabel("名称", { exact: true }).fill("证照督办");
    await form.getByLabel("适用规则（编码，可不填：全部）").fill("licence");
    await form.getByLabel("到期后几个工作日督办（告知督查人员；写 never 不督办）").fill("0");
    await form.getByRole("button", { name: "保存" }).click();
    await page.getByText("督办须在到期日之后至少 1 个工作日").waitFor();
    await form.getByLabel("到期后几个工作日督办（告知督查人员；写 never 不督办）").fill("4");
    await form.getByLabel("临期提醒窗口").selectOption("hours");
    await form.getByLabel("提前工作小时数").fill("6");
    await form.getByRole("button", { name: "保存" }).click();
    const row = page.locator("li.item[data-policy=licence-late]");
    await row.waitFor().catch(async (e) => {
      await page.screenshot({ path: join(SCREENSHOTS, "miniapp-policies-failed.png"), fullPage: true });
      throw e;
    });
    expect(await row.innerText()).toContain("适用：规则 licence、全部紧急程度 · 到期前 6 个工作小时临期提醒 · 到期后 4 个工作日督办（告知督查人员）");
    const stored = await h.db.kysely.selectFrom("escalationPolicies").selectAll().where("code", "=", "licence-late").executeTakeFirstOrThrow();
    expect(stored.settings).toEqual({ dueSoon: { workingHoursBefore: 6 }, superviseAfterWorkingDays: 4 });
    await page.close();
  });
});
