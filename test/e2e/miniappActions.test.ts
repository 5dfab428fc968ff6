import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMiniapp } from "../support/miniappBuild";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// The mini-app's actions as people use them on a phone: each person sees only the buttons they may use, each
// action that needs words opens a small form, refusals show the server's Chinese message, and after each action
// the department group's chat card shows the same state as the mini-app.

let h: BotHarness;
let browser: Browser;
const n = { licence: "", social: "", hrss: "", restaurant: "", closure: "" };
const ids = { closureAmr: 0 };

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-23T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  n.licence = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司营业执照", source: "chat" })).request.number;
  n.social = (await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某公司欠缴社保情况", source: "chat" })).request.number;
  n.hrss = (await h.as("ou_chenjing", requestCreator, { text: "@人社局 出具张三参保证明 !紧急", source: "chat" })).request.number;
  n.restaurant = (await h.as("ou_huangwei", requestCreator, { text: "@市监局 核查青山镇某饭店 #餐饮", source: "chat" })).request.number;
  await h.flush();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const signInAs = (name: string): Promise<Page> => signInToMiniapp(browser, h.base, name);

const task = (page: Page, department: string): Locator => page.locator("li.task").filter({ hasText: `${department}（` });
const buttonsIn = async (where: Locator) => (await where.locator(":scope > .actions button").allInnerTexts()).map((t) => t.trim());
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });

/** The card a chat shows for a request, as it is now (cards are patched in place). */
function chatCard(chatId: string, number: string) {
  const cards = h.sandbox
    .messages({ chatId })
    .filter((m) => m.msg_type === "interactive")
    .map((m) => JSON.parse(m.content))
    .filter((c) => String(c.header?.title?.content ?? "").startsWith(number));
  const c = cards.at(-1);
  if (!c) throw new Error(`${chatId} 没有 ${number} 的卡片`);
  const elements = (c.body.elements as any[]).flatMap((e) => (e.tag === "form" ? e.elements : [e]));
  return {
    title: String(c.header.title.content),
    text: elements.filter((e) => e.tag === "markdown").map((e) => e.content).join("\n"),
    buttons: elements.filter((e) => e.tag === "button").map((e) => e.text.content as string),
  };
}

async function taskRow(number: string, departmentCode: string) {
  return h.db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "tasks.departmentId")
    .leftJoin("users", "users.id", "tasks.assigneeId")
    .select(["tasks.id", "tasks.state", "tasks.reviewPending", "users.name as assignee"])
    .where("requests.number", "=", number)
    .where("departments.code", "=", departmentCode)
    .executeTakeFirstOrThrow();
}

describe("acting on a request from its detail page", () => {
  it("a dispatcher accepts from 部门收件, choosing 王芳 as handler; the list and the group's card follow", async () => {
    const page = await signInAs("李娜");
    await page.getByRole("link", { name: "部门收件" }).click();
    await page.locator("li.item").filter({ hasText: n.licence }).click();
    const amr = task(page, "市市场监督管理局");
    await amr.waitFor();
    expect(await buttonsIn(amr)).toEqual(["签收", "退回", "转办"]);
    expect(await buttonsIn(page.locator(".request-actions"))).toEqual(["补充说明"]);

    await amr.getByRole("button", { name: "签收" }).click();
    const handler = amr.getByLabel("经办人");
    await expect.poll(() => handler.locator("option").allInnerTexts()).toEqual(["不指定（本部门经办人均可办理）", "王芳", "孙强"]);
    await handler.selectOption({ label: "王芳" });
    await shot(page, "miniapp-accept");
    await amr.getByRole("button", { name: "确认签收" }).click();
    await amr.getByText("已签收").waitFor();
    await amr.getByText("办理中 · 经办人 王芳").waitFor();
    expect(await buttonsIn(amr)).toEqual(["指派经办人", "退回", "转办"]); // the dispatcher does not handle it herself
    expect(await taskRow(n.licence, "city-amr")).toMatchObject({ state: "in_progress", assignee: "王芳" });

    await page.getByRole("link", { name: "‹ 返回" }).click();
    await page.locator("li.item").filter({ hasText: n.licence }).filter({ hasText: "办理中" }).waitFor();

    await h.flush();
    const card = chatCard("oc_city_amr", n.licence);
    expect(card.text).toContain("**状态**：办理中");
    expect(card.text).toContain("李娜 签收");
    expect(card.buttons).toEqual([]);
    await page.close();
  });

  it("王芳 sees only the buttons she may use and asks for 补正; an empty question is refused in Chinese", async () => {
    const page = await signInAs("王芳");
    await page.locator("section").filter({ hasText: "待我办理" }).locator("li.item").filter({ hasText: n.licence }).click();
    const amr = task(page, "市市场监督管理局");
    await amr.waitFor();
    expect(await buttonsIn(amr)).toEqual(["要求补正", "办结", "申请延期"]);
    expect(await buttonsIn(page.locator(".request-actions"))).toEqual(["补充说明"]);
    for (const absent of ["签收", "同意", "驳回", "退回", "转办", "撤回", "评价"]) {
      expect(await page.getByRole("button", { name: absent, exact: true }).count(), absent).toBe(0);
    }
    await shot(page, "miniapp-handler-detail", true);

    await amr.getByRole("button", { name: "要求补正" }).click();
    await amr.getByRole("button", { name: "发送补正要求" }).click();
    await expect.poll(() => amr.getByRole("alert").innerText()).toContain("请填写需要补正的内容");
    await amr.getByLabel("需要补正的内容").fill("请补充该公司的统一社会信用代码");
    await amr.getByRole("button", { name: "发送补正要求" }).click();
    await amr.getByText("已请发起人补正").waitFor();
    await amr.getByText("待补正 · 经办人 王芳").waitFor();
    expect(await buttonsIn(amr)).toEqual(["申请延期"]); // a 延期申请 may still be made while waiting for 补正

    await h.flush();
    expect(chatCard("oc_city_amr", n.licence).text).toContain("**状态**：待补正");
    await page.close();
  });

  it("the requester supplies the material from the detail", async () => {
    const page = await signInAs("刘洋");
    await page.locator("section").filter({ hasText: "待我补正" }).locator("li.item").filter({ hasText: n.licence }).click();
    const amr = task(page, "市市场监督管理局");
    await amr.waitFor();
    expect(await buttonsIn(amr)).toEqual(["补正"]);
    expect(await buttonsIn(page.locator(".request-actions"))).toEqual(["撤回", "催办", "补充说明"]);
    await amr.getByRole("button", { name: "补正" }).click();
    await amr.getByText("承办部门要求：请补充该公司的统一社会信用代码").waitFor();
    await amr.getByLabel("补正内容").fill("统一社会信用代码：91330100MA2XXXXXX");
    await shot(page, "miniapp-supply");
    await amr.getByRole("button", { name: "提交补正" }).click();
    await amr.getByText("已提交补正，承办部门继续办理").waitFor();
    await amr.getByText("办理中 · 经办人 王芳").waitFor();
    await page.locator(".timeline li").filter({ hasText: "91330100MA2XXXXXX" }).first().waitFor();

    await h.flush();
    expect(chatCard("oc_city_amr", n.licence).text).toContain("**状态**：办理中");
    await page.close();
  });

  it("the handler completes it with a result", async () => {
    const page = await signInAs("王芳");
    await page.goto(`${h.base}/app/#r/${n.licence}`);
    const amr = task(page, "市市场监督管理局");
    await amr.getByRole("button", { name: "办结" }).click();
    await amr.getByLabel("办理结果").fill("经核查，该公司营业执照真实有效");
    await amr.getByRole("button", { name: "提交办结" }).click();
    await amr.getByText("已办结，发起人已收到办理结果").waitFor();
    await amr.getByText("办理结果：经核查，该公司营业执照真实有效").waitFor();
    await page.getByText(`${n.licence} · 已办结`).waitFor();
    expect(await buttonsIn(amr)).toEqual([]);

    await h.flush();
    expect(chatCard("oc_city_amr", n.licence).text).toContain("**状态**：已办结");
    await page.close();
  });

  it("the requester rates 2 stars, is told a comment is needed, then rates with one", async () => {
    const page = await signInAs("刘洋");
    await page.goto(`${h.base}/app/#r/${n.licence}`);
    // the detail (and its attachment list) can take a while on a loaded machine: wait for it before acting
    await page.getByText(`${n.licence} · 已办结`).waitFor({ timeout: 30_000 });
    const amr = task(page, "市市场监督管理局");
    await amr.getByRole("button", { name: "评价" }).click();
    await amr.getByRole("radio", { name: "2 星" }).click();
    await amr.getByText("2 分 · 不满意").waitFor();
    await amr.getByText("评价意见（必填）").waitFor();
    await amr.getByRole("button", { name: "提交评价" }).click();
    await expect.poll(() => amr.getByRole("alert").innerText()).toBe("评价为「不满意」时请写明原因，便于承办部门改进。");
    await shot(page, "miniapp-evaluate");
    expect(await h.db.kysely.selectFrom("evaluations").selectAll().execute()).toEqual([]);

    await amr.getByRole("textbox").fill("答复较慢，未主动说明进度");
    await amr.getByRole("button", { name: "提交评价" }).click();
    await amr.getByText("已评价：不满意").waitFor();
    const rated = await h.db.kysely.selectFrom("evaluations").select(["score", "comment"]).execute();
    expect(rated).toEqual([{ score: 2, comment: "答复较慢，未主动说明进度" }]);
    // Rated once: the task shows the rating, and 评价 is no longer offered.
    await amr.getByText("评价：★★☆☆☆ 不满意，答复较慢，未主动说明进度").waitFor();
    expect(await amr.getByRole("button", { name: "评价" }).count()).toBe(0);

    await h.flush();
    const p2p = h.sandbox.p2pChatFor("ou_liuyang").chatId;
    expect(chatCard(p2p, `已办结 ${n.licence}`).text).toContain("**您的评价**：不满意，答复较慢，未主动说明进度");
    await page.close();
  });

  it("a head transfers a task to a department found in the chooser by its 简称; the cards move with it", async () => {
    const page = await signInAs("张伟");
    await page.getByRole("link", { name: "部门收件" }).click();
    await page.locator("li.item").filter({ hasText: n.social }).click();
    const amr = task(page, "市市场监督管理局");
    await amr.getByRole("button", { name: "转办" }).click();
    await amr.getByRole("button", { name: "确认转办" }).click();
    await expect.poll(() => amr.getByRole("alert").innerText()).toBe("请先选择转办给哪个部门。");

    await amr.getByLabel("转办至").fill("人社");
    const options = amr.locator(".options button");
    await expect.poll(() => options.allInnerTexts()).toEqual(["市人力资源和社会保障局 人社局、市人社局", "东湖区人力资源和社会保障局 东湖区人社局"]);
    await shot(page, "miniapp-transfer");
    await options.filter({ hasText: /^市人力资源和社会保障局/ }).click();
    await amr.locator(".picked").getByText("市人力资源和社会保障局").waitFor();
    await amr.getByLabel("转办原因").fill("社保缴纳属人社部门职责");
    await amr.getByRole("button", { name: "确认转办" }).click();

    const hrss = task(page, "市人力资源和社会保障局");
    await hrss.getByText("已转办至 市人力资源和社会保障局").waitFor();
    await hrss.getByText("待签收").waitFor();
    expect(await buttonsIn(hrss)).toEqual([]); // no longer his department's
    expect((await taskRow(n.social, "city-hrss")).state).toBe("pending_accept");

    await h.flush();
    expect(chatCard("oc_city_amr", n.social).text).toContain("该任务已转至 市人力资源和社会保障局，本部门无需处理。");
    expect(chatCard("oc_city_amr", n.social).buttons).toEqual([]);
    expect(chatCard("oc_city_hrss", n.social).buttons).toEqual(["签收", "退回", "转办"]);
    await page.close();
  });

  it("a head confirms or sends back a result waiting for review (确认办结 / 退回重办)", async () => {
    // A joint closure request (approval out, completion review in): supporting parts done by their heads.
    const created = await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "chat" });
    n.closure = created.request.number;
    await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: n.closure }, decision: "approve" });
    const byDept = async (code: string) => (await taskRow(n.closure, code)).id;
    for (const [code, head] of [
      ["city-tax", "ou_zhoujie"],
      ["city-hrss", "ou_zhengli"],
    ] as const) {
      await h.as(head, taskAccepter, { task: { taskId: await byDept(code) } });
      await h.as(head, taskCompleter, { task: { taskId: await byDept(code) }, result: "无异常" });
    }
    ids.closureAmr = await byDept("city-amr");
    await h.as("ou_lina", taskAccepter, { task: { taskId: ids.closureAmr }, assignee: { openId: "ou_wangfang" } });
    await h.as("ou_wangfang", taskCompleter, { task: { taskId: ids.closureAmr }, result: "已核查，可以注销" });
    expect((await taskRow(n.closure, "city-amr")).reviewPending).toBe(true);

    const page = await signInAs("张伟");
    await page.goto(`${h.base}/app/#r/${n.closure}`);
    const amr = task(page, "市市场监督管理局");
    await amr.getByText("办结结果待本部门负责人确认").waitFor();
    await amr.getByText("提交的办理结果：已核查，可以注销").waitFor();
    expect(await buttonsIn(amr)).toEqual(["确认办结", "退回重办", "指派经办人", "退回", "转办", "要求补正", "申请延期"]);
    await shot(page, "miniapp-review");

    await amr.getByRole("button", { name: "退回重办" }).click();
    await amr.getByLabel("退回重办的理由").fill("请补充税务清税证明编号");
    await amr.getByRole("button", { name: "确认退回重办" }).click();
    await amr.getByText("已退回重办，经办人将重新办理").waitFor();
    expect(await amr.getByText("办结结果待本部门负责人确认").count()).toBe(0);
    expect((await taskRow(n.closure, "city-amr")).reviewPending).toBe(false);

    await h.as("ou_wangfang", taskCompleter, { task: { taskId: ids.closureAmr }, result: "已核查，清税证明编号 QS-001，可以注销" });
    await page.reload();
    await amr.getByRole("button", { name: "确认办结" }).click();
    await amr.getByText("已确认办结").waitFor();
    await page.getByText(`${n.closure} · 已办结`).waitFor();
    expect((await taskRow(n.closure, "city-amr")).state).toBe("completed");

    await h.flush();
    expect(chatCard("oc_city_amr", n.closure).text).toContain("**状态**：已办结");
    await page.close();
  });
});

describe("发起 in the mini-app", () => {
  it("a member previews (targets with 主办/协办, rule, deadline), then creates and lands on the detail", async () => {
    const page = await signInAs("刘洋");
    await page.getByRole("link", { name: "＋ 发起" }).click();
    const text = page.getByLabel("事项内容");
    await text.fill("@市监局 核查 截止:下周");
    await page.getByRole("button", { name: "预览" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("看不懂截止时间「下周」");

    await page.getByRole("button", { name: "填入示例" }).click();
    await expect(text.inputValue()).resolves.toBe("@市监局 核查某公司营业执照 截止:2个工作日 #证照核查 !紧急");
    await page.getByRole("button", { name: "预览" }).click();
    const plan = page.getByRole("region", { name: "预览" });
    await plan.locator(".targets li").filter({ hasText: "市市场监督管理局" }).filter({ hasText: "主办" }).waitFor();
    await plan.getByText("11/25 17:30").waitFor();

    // A changed text needs a new preview before it can be sent.
    await text.fill("@市监局 @税务局 核查某企业经营及纳税情况 截止:3个工作日 #企业核查");
    expect(await page.getByRole("button", { name: "确认发起" }).count()).toBe(0);
    await page.getByRole("button", { name: "预览" }).click();
    await expect
      .poll(async () => (await plan.locator(".targets li").allInnerTexts()).map((t) => t.replace(/\s+/g, "")))
      .toEqual(["市市场监督管理局主办", "国家税务总局临江市税务局协办"]);
    await plan.getByText("11/26 17:30").waitFor();
    await plan.getByText("普通 · 类别 企业核查").waitFor();
    await expect(plan.locator("dd").nth(1).innerText()).resolves.toContain("按指定的承办部门发送");
    await shot(page, "miniapp-raise-preview", true);

    await page.getByRole("button", { name: "确认发起" }).click();
    await page.waitForURL(/#r\/XT-2026-\d{6}$/);
    const number = decodeURIComponent(page.url().split("#r/")[1]!);
    await page.getByRole("heading", { name: /核查某企业经营及纳税情况/ }).waitFor();
    await page.getByText(`已发起 ${number}，已发往 市市场监督管理局、国家税务总局临江市税务局`).waitFor();
    await shot(page, "miniapp-raised", true);
    const row = await h.db.kysely.selectFrom("requests").select(["source", "classification", "priority", "category"]).where("number", "=", number).executeTakeFirstOrThrow();
    expect(row).toEqual({ source: "miniapp", classification: "internal", priority: "normal", category: "企业核查" });

    await h.flush();
    expect(chatCard("oc_city_amr", number).buttons).toEqual(["签收", "退回", "转办"]);
    expect(chatCard("oc_city_tax", number).text).toContain("**承办**：国家税务总局临江市税务局（协办）");
    await page.close();
  });

  it("涉密 keeps the content out of chat", async () => {
    const page = await signInAs("刘洋");
    await page.goto(`${h.base}/app/#new`);
    await page.getByLabel("事项内容").fill("@市监局 核查举报线索涉及的某商户");
    await page.getByLabel(/涉密/).check();
    await page.getByRole("button", { name: "预览" }).click();
    await page.getByRole("button", { name: "确认发起" }).click();
    await page.waitForURL(/#r\/XT-2026-\d{6}$/);
    const number = decodeURIComponent(page.url().split("#r/")[1]!);
    await page.getByText(`${number} · 待签收`).waitFor();
    await expect(page.locator(".detail .meta").first().innerText()).resolves.toContain("涉密");
    const row = await h.db.kysely.selectFrom("requests").select("classification").where("number", "=", number).executeTakeFirstOrThrow();
    expect(row.classification).toBe("sensitive");

    await h.flush();
    // Not in the department's work group (every handler reads it): in the dispatcher's private chat.
    expect(() => chatCard("oc_city_amr", number)).toThrow();
    const card = chatCard(h.sandbox.p2pChatFor("ou_lina").chatId, number);
    expect(`${card.title}\n${card.text}`).not.toContain("举报线索");
    expect(card.text).toContain("涉密事项");
    await page.close();
  });
});

describe("the filter bars", () => {
  it("部门收件 filters by requesting department and by category", async () => {
    const page = await signInAs("李娜");
    await page.getByRole("link", { name: "部门收件" }).click();
    await page.locator("li.item").first().waitFor();
    await page.getByLabel("发起部门").selectOption("dh-qingshan");
    await expect.poll(() => page.locator("li.item").allInnerTexts()).toHaveLength(1);
    await expect(page.locator("li.item").innerText()).resolves.toContain("来自 东湖区青山镇人民政府");
    await expect(page.locator("li.item").innerText()).resolves.toContain(n.restaurant);

    await page.getByRole("button", { name: "清除" }).click();
    await expect.poll(() => page.locator("li.item").count()).toBeGreaterThan(1);
    await page.getByLabel("类别").fill("餐饮");
    await page.getByRole("button", { name: "筛选" }).click();
    await expect.poll(() => page.locator("li.item .meta").allInnerTexts()).toEqual([expect.stringContaining(n.restaurant)]);
    await shot(page, "miniapp-inbox-filters");
    await page.close();
  });

  it("部门发件 filters by target department, and the transferred task is counted where it went", async () => {
    const page = await signInAs("赵敏");
    await page.getByRole("link", { name: "部门发件" }).click();
    await page.locator("li.item").filter({ hasText: n.licence }).waitFor();
    await page.getByLabel("承办部门").selectOption("city-hrss");
    await expect.poll(async () => (await page.locator("li.item .meta").allInnerTexts()).map((t) => t.split(" · ")[0]).sort()).toEqual([n.social, n.hrss, n.closure].sort());
    await expect(page.locator("li.item").filter({ hasText: n.hrss }).locator(".tag").innerText()).resolves.toBe("紧急");
    await shot(page, "miniapp-outbox");
    await page.close();
  });
});

describe("分办 after 签收", () => {
  it("a task accepted without a handler gets one from the detail; the handler is told in chat", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某超市进货台账", source: "chat" });
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: request.number } });
    const page = await signInAs("李娜");
    // 待办 lists it under 待指派经办人; from there to the detail.
    await page.locator("section").filter({ hasText: "待指派经办人（1）" }).locator("li.item").filter({ hasText: request.number }).click();
    const amr = task(page, "市市场监督管理局");
    await amr.getByText("办理中 · 截止").waitFor();
    await amr.getByRole("button", { name: "指派经办人" }).click();
    await amr.getByRole("button", { name: "确认指派" }).click();
    await amr.getByRole("alert").getByText("请先选择经办人。").waitFor();
    await amr.locator("select").selectOption({ label: "孙强" });
    await amr.getByRole("button", { name: "确认指派" }).click();
    await amr.getByText("办理中 · 经办人 孙强").waitFor();
    await page.getByRole("link", { name: "待办" }).click();
    await page.getByRole("heading", { name: "待我审批" }).or(page.getByText("暂无待办事项。")).or(page.getByRole("heading", { name: /待签收/ })).first().waitFor();
    expect(await page.getByText("待指派经办人").count()).toBe(0);
    expect(await taskRow(request.number, "city-amr")).toMatchObject({ state: "in_progress", assignee: "孙强" });
    await h.flush();
    const p2p = h.sandbox.p2pChatFor("ou_sunqiang").chatId;
    const texts = h.sandbox.messages({ chatId: p2p }).map((m) => m.content);
    expect(texts.some((t) => t.includes("李娜 将协同事项交给您办理"))).toBe(true);
    await page.close();
  });
});

describe("审批 from the detail", () => {
  it("a head approves with a comment; the comment is in the trail and the approval card shows the decision", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "chat" });
    const page = await signInAs("赵敏");
    await page.goto(`${h.base}/app/#r/${request.number}`);
    const actions = page.locator(".request-actions");
    await actions.getByRole("button", { name: "同意" }).click();
    await actions.getByLabel("审批意见").fill("同意，请各部门抓紧办理");
    await actions.getByRole("button", { name: "确认同意" }).click();
    await page.getByText("已同意，已发往承办部门").waitFor();
    await page.locator(".timeline li").filter({ hasText: "赵敏 审批同意" }).filter({ hasText: "同意，请各部门抓紧办理" }).first().waitFor();
    expect(await buttonsIn(actions)).not.toContain("同意");
    await h.flush();
    // The approval card in her chat was updated in place: decided, by her, no buttons left.
    const p2p = h.sandbox.p2pChatFor("ou_zhaomin").chatId;
    const cards = h.sandbox
      .messages({ chatId: p2p })
      .filter((m) => m.msg_type === "interactive")
      .map((m) => JSON.parse(m.content))
      .filter((c) => String(c.header?.title?.content ?? "").includes(request.number));
    expect(cards).toHaveLength(1);
    expect(cards[0].header.title.content).toBe(`已同意 ${request.number} 某企业申请注销，请协助核查`);
    expect(JSON.stringify(cards[0].body)).toContain("**审批结果**：已同意（赵敏）");
    expect(JSON.stringify(cards[0].body)).not.toContain("approval_form");
    await page.close();
  });
  it("批量同意 approves every picked request; one decided meanwhile elsewhere is reported, the rest go through", async () => {
    const numbers: string[] = [];
    for (const what of ["甲", "乙", "丙"]) {
      numbers.push((await h.as("ou_liuyang", requestCreator, { text: `${what}企业申请注销，请协助核查`, source: "chat" })).request.number);
    }
    const page = await signInAs("赵敏");
    const section = page.locator("section").filter({ hasText: "待我审批（3）" });
    for (const n of numbers) await section.locator("li.item").filter({ hasText: n }).getByRole("checkbox").check();
    // Meanwhile the second one is decided from the chat card.
    await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: numbers[1]! }, decision: "approve" });
    await section.getByRole("button", { name: "批量同意" }).click();
    const notice = page.locator("p.notice");
    await notice.getByText("已同意 2 件，1 件未能同意：").waitFor();
    expect(await notice.innerText()).toContain(`${numbers[1]}：该任务已由 赵敏 审批同意`);
    await page.getByText("暂无待办事项。").waitFor();
    const statuses = await h.db.kysely.selectFrom("requests").select("status").where("number", "in", numbers).execute();
    expect(statuses.map((r) => r.status)).toEqual(["pending_accept", "pending_accept", "pending_accept"]);
    await page.close();
  });
});

describe("催办 a joint request", () => {
  it("asks which department, and urges only the one chosen", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "丁企业申请注销，请协助核查", source: "chat" });
    await h.as("ou_zhaomin", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    const page = await signInAs("刘洋");
    await page.goto(`${h.base}/app/#r/${request.number}`);
    const actions = page.locator(".request-actions");
    await actions.getByRole("button", { name: "催办" }).click();
    const choose = actions.locator("select");
    const options = await choose.locator("option").allInnerTexts();
    expect(options[0]).toBe("全部未办结的部门（3 个）");
    expect(options).toHaveLength(4);
    await choose.selectOption({ label: "市人力资源和社会保障局（协办）" });
    await actions.getByRole("button", { name: "确认催办" }).click();
    await page.getByText("已催办 1 个部门").waitFor();
    const urged = await h.db.kysely
      .selectFrom("auditEvents")
      .innerJoin("tasks", "tasks.id", "auditEvents.taskId")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select("departments.code")
      .where("auditEvents.requestId", "=", request.id)
      .where("auditEvents.action", "=", "urge")
      .execute();
    expect(urged.map((u) => u.code)).toEqual(["city-hrss"]);
    await page.close();
  });
});

