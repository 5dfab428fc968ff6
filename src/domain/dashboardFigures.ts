import { localDate, type DeadlineSettings, type WorkCalendar } from "./calendar";
import { localInstant, type WorkingHours } from "./workingHours";

// 晾晒: what every figure of the dashboard means. Written once here; the API sends these texts with the figures,
// the page shows them beside each figure, and the README copies them. Pure: no I/O.

/** Which way a department is counted: as the department that receives tasks, or as the one that sends them. */
export type FigureSide = "target" | "requester";

export const FIGURE_KEYS = [
  "volume",
  "acceptCount",
  "acceptOnTime",
  "acceptOnTimeRate",
  "completed",
  "completeOnTimeOriginal",
  "completeOnTimeOriginalRate",
  "completeOnTimeCommitted",
  "completeOnTimeCommittedRate",
  "acceptHoursMedian",
  "acceptHoursP90",
  "completeHoursMedian",
  "completeHoursP90",
  "open",
  "red",
  "everRed",
  "returns",
  "transfers",
  "supervisions",
  "ratingCount",
  "ratingAverage",
  "badRatings",
  "rectificationCount",
  "rectificationOnTime",
  "rectificationOnTimeRate",
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export interface FigureDefinition {
  key: FigureKey;
  label: string;
  unit: "件" | "次" | "比例" | "工作小时" | "分";
  definition: string;
}

const whose = (side: FigureSide) => (side === "target" ? "该部门承办的任务" : "该部门发出的任务");

/** The definitions, worded for the side (承办 or 发起). The rates are fractions 0..1, null when nothing was counted. */
export function figureDefinitions(side: FigureSide): FigureDefinition[] {
  const t = whose(side);
  const d = (key: FigureKey, label: string, unit: FigureDefinition["unit"], definition: string): FigureDefinition => ({ key, label, unit, definition });
  return [
    side === "target"
      ? d("volume", "收到任务", "件", "本期到达该部门的任务数（按任务创建时间；仍待本单位审批或审批未通过的不算；转办的任务算在现在所在的部门）。")
      : d("volume", "发出任务", "件", "本期该部门发出的任务数（按任务创建时间；仍待审批或审批未通过的不算；联办事项每个承办部门算一件）。"),
    d("acceptCount", "签收数", "件", `本期签收的${t}数（按签收时间）。`),
    d("acceptOnTime", "按时签收数", "件", `本期签收的${t}中，在签收时限之前（含）签收的件数。`),
    d("acceptOnTimeRate", "签收及时率", "比例", "按时签收数 ÷ 签收数；本期没有签收时不计算。"),
    d("completed", "办结数", "件", `本期办结的${t}数（按办结时间）。`),
    d("completeOnTimeOriginal", "按原时限办结数", "件", `本期办结的${t}中，在最初的办结时限（不含延期、补正顺延）之前（含）办结的件数。`),
    d("completeOnTimeOriginalRate", "办结及时率（原时限）", "比例", "按原时限办结数 ÷ 办结数；排名即按此比例的 Wilson 下限。"),
    d("completeOnTimeCommitted", "按承诺时限办结数", "件", `本期办结的${t}中，在当前的办结时限（含批准的延期与补正顺延）之前（含）办结的件数。`),
    d("completeOnTimeCommittedRate", "办结及时率（承诺时限）", "比例", "按承诺时限办结数 ÷ 办结数。"),
    d("acceptHoursMedian", "签收用时中位数", "工作小时", `本期签收的${t}，从最近一次到达承办部门到签收所用的工作时间（工作日的上班时段内，单位小时）的中位数。`),
    d("acceptHoursP90", "签收用时 P90", "工作小时", "同上，90% 的任务不超过的用时（最近秩法）。"),
    d("completeHoursMedian", "办结用时中位数", "工作小时", `本期办结的${t}，从最近一次到达承办部门到办结所用的工作时间，扣除待补正（暂停计时）的时间，的中位数。`),
    d("completeHoursP90", "办结用时 P90", "工作小时", "同上，90% 的任务不超过的用时（最近秩法）。"),
    d("open", "在办", "件", `此刻尚未办结的${t}（待审批、待签收、办理中、待补正），与所选时段无关。`),
    d("red", "超期（红灯）", "件", `此刻已超过办结时限仍未办结的${t}；待补正暂停计时的不算。与所选时段无关。`),
    d("everRed", "曾超期", "件", `本期办结的${t}中曾经亮过红灯（超期）的件数，延期后按时办结的也算。`),
    d("returns", "退回", "次", side === "target" ? "本期该部门退回任务的次数（推诿信号之一）。" : "本期该部门发出的任务被承办部门退回的次数。"),
    d("transfers", "转办", "次", side === "target" ? "本期该部门把任务转办给其他部门的次数（推诿信号之一）。" : "本期该部门发出的任务被转办的次数。"),
    d("supervisions", "督办", "次", `本期对${t}发起的督办次数（督查发起的与超期自动督办的都算）。`),
    d("ratingCount", "评价数", "件", `本期对${t}作出的评价数；经申诉被督查剔除的评价不计。`),
    d("ratingAverage", "评价均分", "分", "计入统计的评价分数（非常满意 5 … 非常不满意 1）的平均值，保留两位小数；没有评价时不计算。"),
    d("badRatings", "差评", "件", "计入统计的评价中 2 分及以下（不满意、非常不满意）的件数。"),
    d("rectificationCount", "到期整改", "件", `整改时限落在本期且已经到期的${t}的整改事项数。`),
    d("rectificationOnTime", "按时整改", "件", "到期整改中，在整改时限之前（含）作出整改答复的件数。"),
    d("rectificationOnTimeRate", "整改及时率", "比例", "按时整改 ÷ 到期整改；没有到期整改时不计算。"),
  ];
}

export const RANKING_METHOD =
  "排名按本期“办结及时率（原时限）”的 Wilson 95% 置信下限从高到低：下限 = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) ÷ (1 + z²/n)，p 为按时办结比例，n 为办结数，z = 1.96。办结件数少的部门，即使全部按时，下限也较低（2 件全部按时约为 34%，200 件全部按时约为 98%），不会因为件数少而排到前面。下限相同按办结数多者在前；本期没有办结任务的部门不参加排名。";

/** Wilson score interval lower bound (95%): 0 when n = 0. */
export function wilsonLowerBound(successes: number, n: number, z = 1.96): number {
  if (n <= 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** Nearest-rank percentile (q in (0, 1]) of the values; null when there are none. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** The median: the mean of the two middle values for an even count; null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const rate = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
export const roundHours = (h: number | null): number | null => (h === null ? null : Math.round(h * 100) / 100);

// ---- periods -----------------------------------------------------------------------------------------

export type PeriodKind = "week" | "month" | "quarter" | "custom";
export interface Period {
  kind: PeriodKind;
  /** first local date, YYYY-MM-DD */
  from: string;
  /** last local date (inclusive), YYYY-MM-DD */
  to: string;
  label: string;
}

const DAY_MS = 86_400_000;
export const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
export const mondayOf = (date: string) => addDays(date, -weekday(date));
export const daysInclusive = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** The period of `kind` that holds local date `date` (custom: from..to as given). */
export function periodOf(kind: PeriodKind, date: string, custom?: { from: string; to: string }): Period {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  if (kind === "week") {
    const from = mondayOf(date);
    const to = addDays(from, 6);
    return { kind, from, to, label: `${from} 至 ${to} 当周` };
  }
  if (kind === "month") {
    const from = `${date.slice(0, 7)}-01`;
    const to = addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`, -1);
    return { kind, from, to, label: `${y}年${m}月` };
  }
  if (kind === "quarter") {
    const q = Math.floor((m - 1) / 3);
    const from = `${y}-${String(q * 3 + 1).padStart(2, "0")}-01`;
    const to = addDays(q === 3 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 4).padStart(2, "0")}-01`, -1);
    return { kind, from, to, label: `${y}年第${q + 1}季度` };
  }
  const c = custom ?? { from: date, to: date };
  return { kind, from: c.from, to: c.to, label: `${c.from} 至 ${c.to}` };
}

/** The last `n` weeks (Monday..Sunday) up to and including the week of `today`, oldest first. */
export function lastWeeks(today: string, n: number): Period[] {
  const monday = mondayOf(today);
  return Array.from({ length: n }, (_, i) => periodOf("week", addDays(monday, -7 * (n - 1 - i))));
}

// ---- working hours between two instants, pauses excluded -------------------------------------------

/**
 * Working time, in hours, between two instants: the part inside office hours (`hours`) on working days, minus the
 * parts of `pauses` (补正, the clock stood still) inside office hours.
 */
export function workingHoursBetween(
  from: Date,
  to: Date,
  pauses: ReadonlyArray<{ from: Date; to: Date }>,
  cal: WorkCalendar,
  settings: DeadlineSettings,
  hours: WorkingHours,
): number {
  const span = officeMs(from.getTime(), to.getTime(), cal, settings, hours);
  let paused = 0;
  for (const p of mergeIntervals(pauses.map((x) => [Math.max(x.from.getTime(), from.getTime()), Math.min(x.to.getTime(), to.getTime())] as [number, number]))) {
    paused += officeMs(p[0], p[1], cal, settings, hours);
  }
  return Math.max(0, span - paused) / 3_600_000;
}

function mergeIntervals(list: Array<[number, number]>): Array<[number, number]> {
  const sorted = list.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function officeMs(from: number, to: number, cal: WorkCalendar, settings: DeadlineSettings, hours: WorkingHours): number {
  if (to <= from) return 0;
  let total = 0;
  const last = localDate(new Date(to), settings);
  for (let date = localDate(new Date(from), settings), i = 0; date <= last && i < 3700; date = addDays(date, 1), i++) {
    if (!cal.isWorkday(date)) continue;
    const start = Math.max(localInstant(date, hours.start, settings).getTime(), from);
    const end = Math.min(localInstant(date, hours.end, settings).getTime(), to);
    if (end > start) total += end - start;
  }
  return total;
}
