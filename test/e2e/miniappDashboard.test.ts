import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { DESKTOP, launchBrowser, SCREENSHOTS, signInToMiniapp } from "../support/browser";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { buildMiniapp } from "../support/miniappBuild";

// The 晾晒 dashboard in real Chromium, at 390 px and at desktop width: ranking, figures with their definitions,
// the 12-week trend chart (ECharts, SVG), the department matrix; a bar and a figure open the tasks behind them;
// the CSV buttons download files Excel reads (UTF-8 with BOM, Chinese header).

let h: BotHarness;
let browser: Browser;
const n = { amrOnTime: "", amrLate: "", hrss: "", amrLater: "", amrOpen: "" };

const complete = async (number: string, handler: string) => h.as(handler, taskCompleter, { task: { requestNumber: number }, result: "已办理完毕" });
const raise = async (text: string) => (await h.as("ou_liuyang", requestCreator, { text, source: "chat" })).request.number;

beforeAll(async () => {
  await buildMiniapp();
  h = await createBotHarness("2026-11-02T10:00:00+08:00"); // Monday
  browser = await launchBrowser();
  // Week of 11-02: two tasks to 市监局 (one done on time, one a day late), one to 人社局 (on time).
  n.amrOnTime = await raise("@市监局 核查甲公司营业执照");
  n.amrLate = await raise("@市监局 核查乙公司营业执照 截止:1个工作日");
  n.hrss = await raise("@人社局 出具张三参保证明");
  await h.as("ou_lina", taskAccepter, { task: { requestNumber: n.amrOnTime }, assignee: { openId: "ou_wangfang" } });
  await h.as("ou_lina", taskAccepter, { task: { requestNumber: n.amrLate }, assignee: { openId: "ou_wangfang" } });
  await h.as("ou_fengjie", taskAccepter, { task: { requestNumber: n.hrss }, assignee: { openId: "ou_chugang" } });
  await complete(n.amrOnTime, "ou_wangfang");
  await complete(n.hrss, "ou_chugang");
  await h.as("ou_liuyang", taskEvaluator, { task: { requestNumber: n.amrOnTime }, score: 5 });
  h.setNow("2026-11-05T10:00:00+08:00"); // due 11-03 17:30: done late
  await complete(n.amrLate, "ou_wangfang");
  // Week of 11-16: one more to 市监局, done the same day.
  h.setNow("2026-11-16T10:00:00+08:00");
  n.amrLater = await raise("@市监局 核查丙公司营业执照");
  await h.as("ou_lina", taskAccepter, { task: { requestNumber: n.amrLater }, assignee: { openId: "ou_wangfang" } });
  await complete(n.amrLater, "ou_wangfang");
  // Friday 11-27: one still waiting to be accepted.
  h.setNow("2026-11-27T10:00:00+08:00");
  n.amrOpen = await raise("@市监局 核查丁公司营业执照");
  h.setNow("2026-11-27T11:00:00+08:00"); // the dashboard is looked at an hour later
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The API's own answer, fetched with the page's session (what the page was given to show). */
const apiJson = async <T,>(page: Page, path: string): Promise<T> => (await page.request.get(`${h.base}${path}`)).json() as Promise<T>;

/** The chart is drawn: an SVG with bars (paths filled in the series colours) inside the chart box. */
async function chartShapes(page: Page): Promise<number> {
  const chart = page.locator(".dash-trends .chart svg");
  await chart.waitFor();
  await expect.poll(() => chart.locator('path[fill="#3370ff"]').count()).toBeGreaterThan(1);
  return chart.locator("path").count();
}

/** Centres of the bars of one colour (not the legend's icon), left to right. */
async function barCentres(page: Page, colour: string): Promise<Array<{ x: number; y: number }>> {
  const chart = page.locator(".dash-trends .chart");
  const top = (await chart.boundingBox())!.y;
  const boxes = await chart.locator(`svg path[fill="${colour}"]`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  return boxes
    .filter((b) => b.y - 0 > 0 && b.height > 0)
    .map((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2, top: b.y }))
    .filter((b) => b.top > top + 50) // below the legend
    .sort((a, b) => a.x - b.x)
    .map(({ x, y }) => ({ x, y }));
}

async function download(page: Page, link: ReturnType<Page["locator"]>): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const path = await file.path();
  const bytes = readFileSync(path);
  return { name: file.suggestedFilename(), text: bytes.toString("utf8"), bytes };
}

describe("the 晾晒 dashboard", () => {
  it("at 390 px: ranking, trend chart and matrix render; a bar opens that week's tasks; CSV downloads open in Excel", async () => {
    const page = await signInToMiniapp(browser, h.base, "姜平");
    page.setDefaultTimeout(15_000);
    // ECharts comes in its own chunk, fetched only when the dashboard draws a chart.
    const chartChunks: string[] = [];
    page.on("request", (r) => void (/\/assets\/echarts-[\w-]+\.js$/.test(r.url()) && chartChunks.push(r.url())));
    await page.getByRole("link", { name: "督办" }).click();
    await page.waitForLoadState("networkidle");
    expect(chartChunks).toEqual([]);
    await page.getByRole("link", { name: "晾晒" }).click();
    await page.getByText("2026年11月").first().waitFor();

    // Ranking: 市监局 3 done, 2 on time; 人社局 1 of 1. The page shows the server's numbers and the method.
    const ranking = await apiJson<{ method: string; items: Array<{ department: { code: string }; rank: number; of: number; onTime: number; completed: number }> }>(page, "/api/dashboard/ranking?period=month&date=2026-11-01");
    const amrRank = ranking.items.find((i) => i.department.code === "city-amr")!;
    expect(amrRank).toMatchObject({ onTime: 2, completed: 3 });
    const amrRow = page.locator('.dash-ranking tr[data-department="city-amr"]');
    expect(await amrRow.innerText()).toContain("2/3");
    expect(await amrRow.innerText()).toContain(`${amrRank.rank}/${amrRank.of}`);
    expect(await page.locator(".dash-ranking .method").innerText()).toBe(ranking.method);

    // The trend chart is drawn at phone width and fits it (no sideways squeeze of the page itself).
    expect(await chartShapes(page)).toBeGreaterThan(10);
    expect(chartChunks).toHaveLength(1);
    const chartBox = (await page.locator(".dash-trends .chart").boundingBox())!;
    expect(chartBox.width).toBeLessThanOrEqual(390);
    expect(chartBox.width).toBeGreaterThan(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The matrix: its header row stays in view while the sheet scrolls; the legend says what colours mean.
    const matrix = page.locator(".dash-board");
    await matrix.locator('[data-cell="dh-binjiang>city-amr"]').waitFor();
    expect(await matrix.locator(".legend").innerText()).toContain("有超期");
    expect(await matrix.locator("thead th").first().evaluate((e) => getComputedStyle(e).position)).toBe("sticky");
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-dashboard-phone.png"), fullPage: true });

    // CSV of the ranking: BOM, then a Chinese header Excel reads as UTF-8.
    const csv = await download(page, page.locator(".dash-ranking a.csv"));
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text.slice(1).split(/\r?\n/)[0]).toMatch(/部门/);
    expect(csv.text).toContain("市市场监督管理局");

    // 市监局's trend: the first 收到 bar (week of 11-02) opens the two tasks it counts.
    await page.getByLabel("趋势部门").selectOption("city-amr");
    await expect.poll(async () => (await barCentres(page, "#3370ff")).length).toBe(3); // weeks of 11-02, 11-16, 11-23
    const [first] = await barCentres(page, "#3370ff");
    await page.mouse.click(first!.x, first!.y);
    await page.getByRole("heading", { name: "收到的任务" }).waitFor();
    const list = page.locator("section.figure-tasks li.item");
    await list.first().waitFor();
    expect((await list.allInnerTexts()).map((t) => t.match(/XT-\d{4}-\d+/)?.[0]).sort()).toEqual([n.amrOnTime, n.amrLate].sort());
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-dashboard-bar-tasks.png"), fullPage: true });

    // The tasks behind the bar as CSV: BOM, Chinese header, both numbers.
    const tasks = await download(page, page.getByRole("link", { name: "导出这些任务（CSV）" }));
    expect([...tasks.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(tasks.text.slice(1).split(/\r?\n/)[0]).toMatch(/编号/);
    expect(tasks.text).toContain(n.amrOnTime);
    expect(tasks.text).toContain(n.amrLate);
    expect(tasks.text).not.toContain(n.amrLater);
    await page.close();
  });

  it("at desktop width: every figure with its definition, a department's figure opens its tasks, the matrix cell its own", async () => {
    const page = await signInToMiniapp(browser, h.base, "姜平", DESKTOP);
    page.setDefaultTimeout(15_000);
    await page.getByRole("link", { name: "晾晒" }).click();
    expect(await chartShapes(page)).toBeGreaterThan(10);

    // Each figure's row shows the label and definition the API sends, and 市监局's numbers as the API counts them.
    const figures = await apiJson<{ definitions: Array<{ key: string; label: string; definition: string }>; rows: Array<{ department: { code: string }; figures: Record<string, number | null> }> }>(
      page,
      "/api/dashboard/figures?period=month&date=2026-11-01&side=target",
    );
    const amrColumn = 2 + figures.rows.findIndex((r) => r.department.code === "city-amr"); // after the label and 合计
    const amr = figures.rows.find((r) => r.department.code === "city-amr")!.figures;
    expect(amr).toMatchObject({ volume: 4, completed: 3, completeOnTimeOriginal: 2 });
    for (const d of figures.definitions) {
      const row = page.locator(`.dash-figures tr[data-figure="${d.key}"]`);
      expect(await row.locator("th .figure-label").innerText()).toBe(d.label);
      expect(await row.locator("th .definition").innerText()).toBe(d.definition);
    }
    const cellOf = (key: string) => page.locator(`.dash-figures tr[data-figure="${key}"] > *`).nth(amrColumn);
    expect(await cellOf("volume").innerText()).toBe("4");
    expect(await cellOf("completeOnTimeOriginalRate").innerText()).toBe(`${((amr.completeOnTimeOriginalRate ?? 0) * 100).toFixed(1)}%`);
    await page.screenshot({ path: join(SCREENSHOTS, "miniapp-dashboard-desktop.png"), fullPage: true });

    // 办结数 of 市监局 -> the three tasks done in November; 超过原时限办结 narrows it to the late one.
    await cellOf("completed").locator("a").click();
    await page.getByRole("heading", { name: "办结的任务" }).waitFor();
    const list = page.locator("section.figure-tasks li.item");
    await expect.poll(() => list.count()).toBe(3);
    await page.getByRole("link", { name: "超过原时限办结的任务" }).click();
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.first().innerText()).toContain(n.amrLate);

    // The trend's numbers by week, for keyboards and screen readers; the all-departments bar asks which department.
    const trends = await apiJson<{ weeks: Array<{ from: string; volume: number; completed: number; everRed: number }> }>(page, "/api/dashboard/trends?side=target&weeks=12");
    await page.getByRole("link", { name: "‹ 返回晾晒" }).click();
    await page.getByText("按周查看数字").click();
    const week = page.locator('.trend-numbers tr[data-week="2026-11-02"]');
    const expected = trends.weeks.find((w) => w.from === "2026-11-02")!;
    expect((await week.locator("td").allInnerTexts()).slice(0, 3)).toEqual([expected.volume, expected.completed, expected.everRed].map(String));
    await page.locator('.trend-numbers tr[data-week="2026-11-16"] td a').first().click();
    await page.getByLabel("部门").selectOption({ label: "市市场监督管理局" });
    await page.getByRole("heading", { name: "收到的任务" }).waitFor();
    await expect.poll(() => page.locator("section.figure-tasks li.item").allInnerTexts()).toEqual([expect.stringContaining(n.amrLater)]);

    // The period chooser: a quarter, the one before it, a custom range the page refuses with an example, back to the month.
    await page.getByRole("link", { name: "‹ 返回晾晒" }).click();
    await page.getByRole("button", { name: "季度" }).click();
    await page.locator(".period .step b").getByText("2026年第4季度").waitFor();
    await page.getByRole("button", { name: "上一期" }).click();
    await page.locator(".period .step b").getByText("2026年第3季度").waitFor();
    await page.locator(".as-of").getByText("2026-07-01 至 2026-09-30").waitFor();
    await expect.poll(() => page.locator('.dash-ranking tbody tr').count()).toBe(0);
    await page.getByRole("button", { name: "自定义" }).click();
    await page.getByLabel("开始日期").fill("2026-11-20");
    await page.getByLabel("结束日期").fill("2026-11-01");
    await page.getByRole("button", { name: "确定" }).click();
    expect(await page.locator(".period").getByRole("alert").innerText()).toBe("结束日期不能早于开始日期，例如 2026-11-01 至 2026-11-15。");
    await page.getByLabel("开始日期").fill("2026-11-01");
    await page.getByLabel("结束日期").fill("2026-11-06");
    await page.getByRole("button", { name: "确定" }).click();
    await page.locator(".as-of").getByText("2026-11-01 至 2026-11-06").waitFor();
    await expect.poll(() => page.locator('.dash-ranking tr[data-department="city-amr"]').innerText()).toContain("1/2"); // the late one and the first
    await page.getByRole("button", { name: "月", exact: true }).click();
    await page.locator(".period .step b").getByText("2026年11月").waitFor();

    // The printable 通报 of the month the page shows.
    const bulletin = page.getByRole("link", { name: "打印 2026年11月 通报" });
    const printed = await page.request.get(new URL((await bulletin.getAttribute("href"))!, h.base).toString());
    expect(printed.status()).toBe(200);
    expect(printed.headers()["content-type"]).toContain("text/html");
    expect(await printed.text()).toContain("通报");

    // The matrix cell 滨江街道 -> 市监局 opens the one open task.
    const cell = page.locator('[data-cell="dh-binjiang>city-amr"]');
    expect((await cell.innerText()).trim().split(/\s/)[0]).toBe("1");
    await cell.click();
    await page.getByRole("heading", { name: "东湖区滨江街道办事处 → 市市场监督管理局" }).waitFor();
    await expect.poll(() => page.locator("section li.item").count()).toBe(1);
    expect(await page.locator("section li.item").innerText()).toContain(n.amrOpen);
    await page.close();
  });

  it("a department head sees only their own department's figures; a member sees only the matrix", async () => {
    const head = await signInToMiniapp(browser, h.base, "张伟");
    head.setDefaultTimeout(15_000);
    await head.getByRole("link", { name: "晾晒" }).click();
    await head.locator(".dash-figures thead th").nth(2).waitFor();
    expect(await head.locator(".dash-figures thead th").allInnerTexts()).toEqual(["指标及定义", "合计", "市市场监督管理局"]);
    expect(await head.locator(".dash-ranking tbody tr").count()).toBe(1);
    await head.close();

    const member = await signInToMiniapp(browser, h.base, "刘洋");
    member.setDefaultTimeout(15_000);
    await member.getByRole("link", { name: "晾晒" }).click();
    await member.locator('[data-cell="dh-binjiang>city-amr"]').waitFor();
    expect(await member.locator(".dash-ranking, .dash-figures, .dash-trends").count()).toBe(0);
    await member.close();
  });
});
