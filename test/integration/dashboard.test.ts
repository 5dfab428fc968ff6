import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appealDecider } from "../../src/commands/appealDecider";
import { extensionDecider } from "../../src/commands/extensionDecider";
import { extensionRequester } from "../../src/commands/extensionRequester";
import { infoRequester } from "../../src/commands/infoRequester";
import { infoSupplier } from "../../src/commands/infoSupplier";
import { ratingAppealer } from "../../src/commands/ratingAppealer";
import { rectificationAnswerer } from "../../src/commands/rectificationAnswerer";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { taskReturner } from "../../src/commands/taskReturner";
import { taskSupervisor } from "../../src/commands/taskSupervisor";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createApp } from "../../src/http/app";
import { DashboardFiguresSchema, FigureTasksSchema, RankingSchema, TrendsSchema, BulletinSchema } from "../../src/http/routes/api/dashboardSchemas";
import { dashboardRollup } from "../../src/jobs/dashboardRollup";
import { monthlyBulletin } from "../../src/jobs/monthlyBulletin";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 晾晒: a fixture of hand-built requests on a controlled clock (November 2026, no holidays; office hours 09:00-18:00,
// deadlines at 17:30) whose every figure is worked out by hand below, checked against the API before and after
// the daily rollup, for supervisors, admins and heads; the tasks behind figures, CSV, and the monthly 通报.

let h: Harness;
let app: ReturnType<typeof createApp>;
const tokens = new Map<string, string>();
const n: Record<string, string> = {};
const ref = (key: string) => ({ requestNumber: n[key]! });
const at = (iso: string) => h.setNow(`${iso}+08:00`);

async function raise(key: string, when: string, text: string, extra: Record<string, unknown> = {}) {
  at(when);
  n[key] = (await h.as("ou_member", requestCreator, { text, source: "miniapp", ...extra })).request.number;
}
async function accept(key: string, when: string, by = "ou_amrdisp", handler = "ou_amrhandler") {
  at(when);
  await h.as(by, taskAccepter, { task: ref(key), assignee: { openId: handler } });
}
async function complete(key: string, when: string, by = "ou_amrhandler") {
  at(when);
  await h.as(by, taskCompleter, { task: ref(key), result: "已办结" });
}
async function rate(key: string, when: string, score: number, comment?: string) {
  at(when);
  await h.as("ou_member", taskEvaluator, { task: ref(key), score, ...(comment ? { comment } : {}) });
}

const get = async (openId: string, path: string) => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes); // drops a leading BOM, which `bom` reports
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { status: res.status, text, bom, type: res.headers.get("content-type") ?? "", disposition: res.headers.get("content-disposition") ?? "", body: (text.startsWith("{") ? JSON.parse(text) : null) as any };
};
const figures = async (openId: string, query = "period=month&date=2026-11-15") => {
  const r = await get(openId, `/api/dashboard/figures?${query}`);
  expect(r.status).toBe(200);
  return DashboardFiguresSchema.parse(r.body);
};
const row = (f: Awaited<ReturnType<typeof figures>>, code: string) => f.rows.find((r) => r.department.code === code)!.figures;

beforeAll(async () => {
  h = await createHarness("2026-11-02T09:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  for (const openId of ["ou_sup", "ou_admin", "ou_amrhead", "ou_taxhead", "ou_member", "ou_streethead"]) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role: "integration", userId: user.id })).token);
  }

  // A: on time. Raised Mon 11-02 10:00, due Thu 11-05; accepted 11:00 (1 h); completed Tue 10:00 (8 + 1 = 9 h); rated 5.
  await raise("A", "2026-11-02T10:00:00", "@市监局 核查甲公司经营情况 截止:2026-11-05");
  await accept("A", "2026-11-02T11:00:00");
  await complete("A", "2026-11-03T10:00:00");
  await rate("A", "2026-11-03T11:00:00", 5);
  // B: late twice. Due Wed 11-04, 签收时限 Tue 11-03 17:30; accepted Wed 09:30 (8 + 9 + 0.5 = 17.5 h, late);
  // completed Thu 11-05 10:00 (8 + 9 + 9 + 1 = 27 h, late on both deadlines, ever red); rated 2: 整改 due Thu 11-12,
  // answered Wed 11-11 (on time).
  await raise("B", "2026-11-02T10:00:00", "@市监局 核查乙公司经营情况 截止:2026-11-04");
  await accept("B", "2026-11-04T09:30:00");
  await complete("B", "2026-11-05T10:00:00");
  await rate("B", "2026-11-05T11:00:00", 2, "答复太慢");
  at("2026-11-11T10:00:00");
  await h.as("ou_amrhead", rectificationAnswerer, { task: ref("B"), answer: "已调整分办流程" });
  // C: paused for 补正. Raised Mon 11-09 10:00, due Wed 11-11; accepted 14:00 (4 h); 补正 Tue 10:00 -> Wed 10:00 (the
  // deadline moves one working day, to Thu 11-12); completed Thu 12:00: late on the original deadline, on time on the
  // committed one; 8 + 9 + 9 + 3 = 29 h minus the pause's 8 + 1 = 9 h = 20 h; rated 4.
  await raise("C", "2026-11-09T10:00:00", "@市监局 核查丙公司经营情况 截止:2026-11-11");
  await accept("C", "2026-11-09T14:00:00");
  at("2026-11-10T10:00:00");
  await h.as("ou_amrhandler", infoRequester, { task: ref("C"), question: "请补充统一社会信用代码" });
  at("2026-11-11T10:00:00");
  await h.as("ou_member", infoSupplier, { task: ref("C"), content: "91330100MA0000000X" });
  await complete("C", "2026-11-12T12:00:00");
  await rate("C", "2026-11-12T13:00:00", 4);
  // D: extended. Raised Mon 11-09 10:00, due Tue 11-10; accepted 10:30 (0.5 h); extension to Fri 11-13 asked and
  // granted Tue morning; completed Fri 10:00 (8 + 9 + 9 + 9 + 1 = 36 h): late on the original, on time on the
  // committed; rated 1: 整改 due Fri 11-20, never answered (late, and still open in December's 通报).
  await raise("D", "2026-11-09T10:00:00", "@市监局 核查丁公司经营情况 截止:2026-11-10");
  await accept("D", "2026-11-09T10:30:00");
  at("2026-11-10T09:00:00");
  await h.as("ou_amrhandler", extensionRequester, { task: ref("D"), due: "2026-11-13", reason: "需等待省厅回函" });
  at("2026-11-10T10:00:00");
  await h.as("ou_member", extensionDecider, { task: ref("D"), approve: true });
  await complete("D", "2026-11-13T10:00:00");
  await rate("D", "2026-11-13T11:00:00", 1, "答非所问");
  // E: returned by the tax bureau (a 推诿 signal for tax; a return received by the street office).
  await raise("E", "2026-11-03T10:00:00", "@税务局 核查戊公司纳税情况 截止:2026-11-10");
  at("2026-11-03T11:00:00");
  await h.as("ou_taxdisp", taskReturner, { task: ref("E"), reason: "不属本局职责" });
  // F: transferred by tax to amr Tue 14:00; accepted by amr Wed 09:00 (4 h since it arrived, on time); never done:
  // red since Tue 11-10; supervised on 11-16.
  await raise("F", "2026-11-03T10:00:00", "@税务局 核查己公司登记情况 截止:2026-11-10");
  at("2026-11-03T14:00:00");
  await h.as("ou_taxdisp", taskTransferrer, { task: ref("F"), toDepartment: "amr", reason: "属市场监管职责" });
  await accept("F", "2026-11-04T09:00:00");
  at("2026-11-16T10:00:00");
  await h.as("ou_sup", taskSupervisor, { task: ref("F"), instruction: "请本周办结" });
  // G: sensitive, at amr, accepted after 1 h, open (due Mon 11-23 17:30).
  await raise("G", "2026-11-16T10:00:00", "@市监局 核查举报线索 截止:2026-11-23", { classification: "sensitive" });
  await accept("G", "2026-11-16T11:00:00");
  // H: hrss, done the same day (0 h to accept, 5 h to complete); rated 2 but the rating is excluded on appeal.
  await raise("H", "2026-11-02T10:00:00", "@人社局 核查庚公司社保缴纳 截止:2026-11-06");
  await accept("H", "2026-11-02T10:00:00", "ou_hrssdisp", "ou_hrssdisp");
  await complete("H", "2026-11-02T15:00:00", "ou_hrssdisp");
  await rate("H", "2026-11-02T16:00:00", 2, "态度不好");
  at("2026-11-02T16:30:00");
  await h.as("ou_hrsshead", ratingAppealer, { task: ref("H"), reason: "评价针对的是其他部门" });
  at("2026-11-03T09:30:00");
  await h.as("ou_sup", appealDecider, { task: ref("H"), decision: "exclude", comment: "评价对象有误" });
  at("2026-11-03T10:00:00");
  await h.as("ou_hrsshead", rectificationAnswerer, { task: ref("H"), answer: "已说明情况" });
  // I: today (Mon 11-23), counted live; a title that a spreadsheet would run as a formula.
  await raise("I", "2026-11-23T09:00:00", "@市监局 =HYPERLINK(\"http://x\") 核查辛公司 截止:2026-11-27");
  await accept("I", "2026-11-23T09:30:00");
  at("2026-11-23T10:00:00");
}, 240_000);
afterAll(() => h.close());

// amr as the target department in November 2026, as of Mon 11-23 10:00, by hand (see the fixture above).
const AMR = {
  volume: 7, // A B C D F G I
  acceptCount: 7,
  acceptOnTime: 6, // B was late
  acceptOnTimeRate: 0.8571, // 6 / 7
  completed: 4, // A B C D
  completeOnTimeOriginal: 1, // A
  completeOnTimeOriginalRate: 0.25,
  completeOnTimeCommitted: 3, // A C D
  completeOnTimeCommittedRate: 0.75,
  acceptHoursMedian: 1, // 0.5 0.5 1 1 4 4 17.5
  acceptHoursP90: 17.5, // nearest rank: ceil(0.9 * 7) = 7th
  completeHoursMedian: 23.5, // 9 20 27 36
  completeHoursP90: 36,
  open: 3, // F G I
  red: 1, // F
  everRed: 1, // B
  returns: 0,
  transfers: 0,
  supervisions: 1, // F
  ratingCount: 4,
  ratingAverage: 3, // (5 + 2 + 4 + 1) / 4
  badRatings: 2, // B D
  rectificationCount: 2, // B (due 11-12) D (due 11-20)
  rectificationOnTime: 1, // B
  rectificationOnTimeRate: 0.5,
};

describe("晾晒 figures", () => {
  it("every figure of the fixture matches the hand count, counted live and after the daily rollup alike", async () => {
    const live = await figures("ou_sup");
    expect(live.period).toEqual({ kind: "month", from: "2026-11-01", to: "2026-11-30", label: "2026年11月" });
    expect(live.scope).toBe("all");
    expect(row(live, "amr")).toEqual(AMR);
    expect(row(live, "tax")).toMatchObject({ volume: 1, returns: 1, transfers: 1, completed: 0, open: 0, completeOnTimeOriginalRate: null, ratingAverage: null });
    // The excluded rating counts nowhere; its 整改 was answered on time.
    expect(row(live, "hrss")).toMatchObject({ volume: 1, acceptHoursMedian: 0, completed: 1, completeOnTimeOriginal: 1, completeHoursMedian: 5, ratingCount: 0, ratingAverage: null, badRatings: 0, rectificationCount: 1, rectificationOnTime: 1 });
    expect(live.definitions.map((d) => d.key)).toEqual(Object.keys(AMR));
    expect(live.definitions.find((d) => d.key === "completeHoursMedian")!.definition).toContain("扣除待补正");

    const r = await dashboardRollup.perform(h.deps);
    expect(r).toMatchObject({ days: 36 });
    expect(await dashboardRollup.perform(h.deps)).toEqual({ days: 0, rows: 0 });
    const stored = await h.db.kysely.selectFrom("departmentDailyFigures").selectAll().where("day", "=", "2026-11-02").where("side", "=", "target").execute();
    expect(stored.map((s) => s.volume).reduce((a, b) => a + b, 0)).toBe(3); // A B (amr) and H (hrss)
    const rolled = await figures("ou_sup");
    expect(rolled.rows).toEqual(live.rows);
    expect(rolled.total).toEqual(live.total);
  });

  it("as requester: what the street office sent, the returns and transfers it received, the ratings it gave", async () => {
    const f = await figures("ou_sup", "period=month&date=2026-11-15&side=requester");
    expect(f.definitions[0]!.label).toBe("发出任务");
    expect(row(f, "street")).toMatchObject({ volume: 9, returns: 1, transfers: 1, completed: 5, completeOnTimeOriginal: 2, ratingCount: 4, badRatings: 2, open: 3, red: 1 });
  });

  it("periods: a week holds only its days; bad periods get a Chinese answer with an example", async () => {
    const week = await figures("ou_sup", "period=week&date=2026-11-04");
    expect(week.period).toMatchObject({ from: "2026-11-02", to: "2026-11-08" });
    expect(row(week, "amr")).toMatchObject({ volume: 3, completed: 2, completeOnTimeOriginal: 1, ratingCount: 2 });
    const custom = await figures("ou_sup", "period=custom&from=2026-11-09&to=2026-11-13");
    expect(row(custom, "amr")).toMatchObject({ volume: 2, completed: 2, completeOnTimeOriginal: 0, completeOnTimeCommitted: 2, completeHoursMedian: 28 });
    const bad = await get("ou_sup", "/api/dashboard/figures?period=custom&from=2026-11-09");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("自定义时段须同时填写 from 和 to");
    const wrong = await get("ou_sup", "/api/dashboard/figures?period=year");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("period 须为 week、month、quarter 或 custom");
    expect(wrong.body.error.example).toBe("/api/dashboard/figures?period=month&date=2026-11-15&side=target");
  });

  it("the ranking is by the Wilson lower bound: hrss (1 of 1 on time) above amr (1 of 4); 骏马 and 蜗牛 named", async () => {
    const r = await get("ou_sup", "/api/dashboard/ranking?period=month&date=2026-11-15");
    const body = RankingSchema.parse(r.body);
    expect(body.method).toContain("Wilson");
    expect(body.items.map((i) => [i.rank, i.department.code, i.completed, i.onTime, i.lowerBound, i.volume, i.label])).toEqual([
      [1, "hrss", 1, 1, 0.2065, 1, "骏马"], // 1 / (1 + 1.96²)
      [2, "amr", 4, 1, 0.0456, 7, "蜗牛"],
    ]);
  });

  it("supervisors and admins see every department; a head only theirs; others are refused", async () => {
    expect((await figures("ou_admin")).scope).toBe("all");
    const head = await figures("ou_amrhead");
    expect(head.scope).toBe("mine");
    expect(head.rows.map((r) => r.department.code)).toEqual(["amr"]);
    expect(head.rows[0]!.figures).toEqual(AMR);
    const ranking = RankingSchema.parse((await get("ou_amrhead", "/api/dashboard/ranking?period=month&date=2026-11-15")).body);
    expect(ranking.items.map((i) => [i.rank, i.of, i.department.code])).toEqual([[2, 2, "amr"]]);
    const member = await get("ou_member", "/api/dashboard/figures");
    expect(member.status).toBe(403);
    expect(member.body.error.message).toBe("晾晒只有督查、管理员和部门负责人可以查看。");
    expect((await get("ou_amrhead", "/api/dashboard/tasks?figure=volume&department=tax&period=month&date=2026-11-15")).status).toBe(403);
    expect((await get("ou_amrhead", "/api/dashboard/trends?department=tax")).status).toBe(403);
  });
});

describe("the tasks behind a figure", () => {
  const tasks = async (openId: string, q: string) => {
    const r = await get(openId, `/api/dashboard/tasks?${q}`);
    expect(r.status).toBe(200);
    return FigureTasksSchema.parse(r.body);
  };
  it("lists exactly what the number counts", async () => {
    const late = await tasks("ou_sup", "figure=completeLateOriginal&department=amr&period=month&date=2026-11-15");
    expect(late.items.map((i) => i.number)).toEqual([n.B, n.C, n.D]);
    expect((await tasks("ou_sup", "figure=red&department=amr&period=month&date=2026-11-15")).items.map((i) => i.number)).toEqual([n.F]);
    expect((await tasks("ou_sup", "figure=transfers&department=tax&period=month&date=2026-11-15")).items.map((i) => i.number)).toEqual([n.F]);
    expect((await tasks("ou_sup", "figure=returns&department=street&side=requester&period=month&date=2026-11-15")).items.map((i) => i.number)).toEqual([n.E]);
    expect((await tasks("ou_sup", "figure=rectificationsLate&department=amr&period=month&date=2026-11-15")).items.map((i) => i.number)).toEqual([n.D]);
    expect((await tasks("ou_sup", "figure=ratings&department=hrss&period=month&date=2026-11-15")).items).toEqual([]);
    const page1 = await tasks("ou_sup", "figure=volume&department=amr&period=month&date=2026-11-15&limit=4");
    expect(page1.items).toHaveLength(4);
    const page2 = await tasks("ou_sup", `figure=volume&department=amr&period=month&date=2026-11-15&limit=4&cursor=${page1.next}`);
    expect([...page1.items, ...page2.items].map((i) => i.number)).toEqual([n.A, n.B, n.F, n.C, n.D, n.G, n.I]);
    expect(page2.next).toBeNull();
  });

  it("a sensitive request's title is hidden from an admin, shown to the supervisor and to the head of its department", async () => {
    const titleOfG = async (openId: string) => (await tasks(openId, "figure=volume&department=amr&period=month&date=2026-11-15&limit=100")).items.find((i) => i.number === n.G)!.title;
    expect(await titleOfG("ou_admin")).toBe("（涉密事项）");
    expect(await titleOfG("ou_sup")).toBe("核查举报线索");
    expect(await titleOfG("ou_amrhead")).toBe("核查举报线索");
    const csv = await get("ou_admin", "/api/dashboard/tasks.csv?figure=volume&department=amr&period=month&date=2026-11-15");
    expect(csv.text).toContain(n.G);
    expect(csv.text).not.toContain("举报");
  });
});

describe("trends and CSV", () => {
  it("12 weeks, oldest first, each week's figures for a department", async () => {
    const r = await get("ou_sup", "/api/dashboard/trends?department=amr");
    const t = TrendsSchema.parse(r.body);
    expect(t.weeks).toHaveLength(12);
    expect(t.weeks.slice(-4).map((w) => [w.from, w.volume, w.completed, w.completeOnTimeOriginalRate, w.badRatings])).toEqual([
      ["2026-11-02", 3, 2, 0.5, 1],
      ["2026-11-09", 2, 2, 0, 1],
      ["2026-11-16", 1, 0, null, 0],
      ["2026-11-23", 1, 0, null, 0],
    ]);
    expect(t.weeks[0]!.from).toBe("2026-09-07");
  });

  it("CSV files: UTF-8 with BOM, Chinese headers, RFC 4180 quoting, formulas neutralised", async () => {
    const f = await get("ou_sup", "/api/dashboard/figures.csv?period=month&date=2026-11-15");
    expect(f.type).toBe("text/csv; charset=utf-8");
    expect(f.disposition).toContain("attachment;");
    expect(f.disposition).toContain("filename*=UTF-8''");
    expect(f.bom).toBe(true);
    const lines = f.text.split("\r\n");
    expect(lines[0]).toMatch(/^部门编码,部门,收到任务（件）,签收数（件）/);
    expect(lines.find((l) => l.startsWith("amr,"))).toBe("amr,市市场监督管理局,7,7,6,0.8571,4,1,0.25,3,0.75,1,17.5,23.5,36,3,1,1,0,0,1,4,3,2,2,1,0.5");
    const t = await get("ou_sup", "/api/dashboard/tasks.csv?figure=volume&department=amr&period=month&date=2026-11-15");
    const iLine = t.text.split("\r\n").find((l) => l.startsWith(n.I!))!;
    expect(iLine).toContain(`"'=HYPERLINK(""http://x"") 核查辛公司"`);
    for (const path of ["/api/dashboard/ranking.csv?period=month&date=2026-11-15", "/api/dashboard/trends.csv", "/api/dashboard/board.csv"]) {
      const r = await get("ou_sup", path);
      expect(r.status, path).toBe(200);
      expect(r.bom, path).toBe(true);
    }
    expect((await get("ou_sup", "/api/dashboard/board.csv")).text).toContain(`street,滨江街道办事处,amr,市市场监督管理局,3,1,`);
  });
});

describe("月度通报", () => {
  it("is sent once on the first working day of December to the supervisors and every head, and printable", async () => {
    at("2026-11-30T10:00:00");
    expect(await monthlyBulletin.perform(h.deps)).toEqual({ sent: 0, messages: 0 });
    at("2026-12-01T08:30:00"); // before office hours
    expect(await monthlyBulletin.perform(h.deps)).toEqual({ sent: 0, messages: 0 });
    at("2026-12-01T09:30:00");
    expect(await monthlyBulletin.perform(h.deps)).toEqual({ sent: 1, messages: 6 });
    expect(await monthlyBulletin.perform(h.deps)).toEqual({ sent: 0, messages: 0 });
    const sent = await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("topic", "=", "bulletin.monthly").orderBy("recipientId").execute();
    expect(sent.map((m) => m.recipientId)).toEqual(["ou_amrhead", "ou_hrsshead", "ou_streethead", "ou_streethead2", "ou_sup", "ou_taxhead"]);
    const text = (sent[0]!.payload as { title: string; text: string }).text;
    expect((sent[0]!.payload as { title: string }).title).toBe("2026年11月 协同办理情况通报");
    expect(text).toContain("【骏马】第1名 市人力资源和社会保障局：办结 1 件，按时 1 件（100%，下限 20.7%）");
    expect(text).toContain("【蜗牛】第2名 市市场监督管理局：办结 4 件，按时 1 件（25%，下限 4.6%）");
    expect(text).toContain(`【仍未办结的超期任务 3 件】${n.F} 核查己公司登记情况（市市场监督管理局，超期 15 个工作日）；${n.G} （涉密事项）`);
    expect(text).toContain(`【超期未整改 1 项】${n.D} 核查丁公司经营情况（市市场监督管理局）`);
    expect(text).not.toContain("举报");
    const audit = await h.db.kysely.selectFrom("auditEvents").select(["action", "data"]).where("chain", "=", "bulletin").execute();
    expect(audit).toMatchObject([{ action: "bulletin.monthly", data: { month: "2026-11", recipients: 6, top: ["hrss"], bottom: ["amr"] } }]);

    const b = BulletinSchema.parse((await get("ou_sup", "/api/dashboard/bulletin?month=2026-11")).body);
    expect(b.sentAt).toBe(new Date("2026-12-01T09:30:00+08:00").toISOString());
    expect(b.redOpen.map((r) => r.title)).toEqual(["核查己公司登记情况", "核查举报线索", '=HYPERLINK("http://x") 核查辛公司']);
    const page = await get("ou_sup", "/api/dashboard/bulletin.html?month=2026-11");
    expect(page.type).toContain("text/html");
    expect(page.text).toContain("2026年11月 协同办理情况通报");
    expect(page.text).toContain("@media print");
    expect(page.text).toContain("市人力资源和社会保障局");
    expect(page.text).toContain("=HYPERLINK(&quot;http://x&quot;)");
    expect((await get("ou_amrhead", "/api/dashboard/bulletin.html?month=2026-11")).status).toBe(403);
    expect((await get("ou_sup", "/api/dashboard/bulletin?month=2026-13")).body.error.message).toContain("month 须写成 YYYY-MM，如 2026-11");
  });
});
