import { z } from "zod";
import { FIGURE_KEYS } from "../../../domain/dashboardFigures";
import { CLASSIFICATIONS, TASK_STATES } from "../../../domain/types";

// 晾晒 API shapes: the queries the dashboard routes take and the JSON they answer with. The dashboard page
// (miniapp) is written against these; the API tests parse real answers with them (strict objects).

const dateText = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "日期须写成 YYYY-MM-DD，如 2026-11-15")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, "日期不存在，请写成 YYYY-MM-DD，如 2026-11-15");

/** The period every figure is counted over. */
export const periodQuery = {
  period: z
    .enum(["week", "month", "quarter", "custom"], { message: "period 须为 week、month、quarter 或 custom" })
    .default("month")
    .meta({ description: "时段：week 周（周一至周日）、month 月、quarter 季度、custom 自定义（用 from、to），默认 month" }),
  date: dateText.optional().meta({ description: "时段内的任一天（YYYY-MM-DD），默认今天；week/month/quarter 时使用" }),
  from: dateText.optional().meta({ description: "自定义时段的第一天（含），period=custom 时必填" }),
  to: dateText.optional().meta({ description: "自定义时段的最后一天（含），period=custom 时必填，最长 366 天" }),
};
export const sideQuery = {
  side: z
    .enum(["target", "requester"], { message: "side 须为 target（承办）或 requester（发起）" })
    .default("target")
    .meta({ description: "target 按承办部门统计（默认），requester 按发起部门统计" }),
};

export const FiguresQuery = z.object({ ...periodQuery, ...sideQuery });
export const RankingQuery = z.object({ ...periodQuery });
export const TrendsQuery = z.object({
  ...sideQuery,
  department: z.string().trim().min(1).optional().meta({ description: "部门编码；不填为全部（督查、管理员）或本人负责的部门（负责人）" }),
  weeks: z.coerce.number({ message: "weeks 须为 1 到 26 的整数" }).int().min(1).max(26).default(12).meta({ description: "最近几周，默认 12" }),
});
export const FigureTasksQuery = z.object({
  ...periodQuery,
  ...sideQuery,
  figure: z
    .enum(["volume", "acceptCount", "acceptLate", "completed", "completeLateOriginal", "completeLateCommitted", "open", "red", "everRed", "returns", "transfers", "supervisions", "ratings", "badRatings", "rectifications", "rectificationsLate"], {
      message: "figure 须为 volume、acceptCount、acceptLate、completed、completeLateOriginal、completeLateCommitted、open、red、everRed、returns、transfers、supervisions、ratings、badRatings、rectifications、rectificationsLate 之一",
    })
    .meta({ description: "要列出哪个数字背后的任务" }),
  department: z.string({ message: "请填写 department（部门编码）" }).trim().min(1).meta({ description: "部门编码" }),
  cursor: z.string().optional().meta({ description: "上一页应答中的 next" }),
  limit: z.coerce.number({ message: "limit 须为 1 到 100 的整数" }).int().min(1).max(100).default(50).meta({ description: "每页条数，1 到 100，默认 50（CSV 导出不分页）" }),
});
export const BulletinQuery = z.object({
  month: z
    .string({ message: "请填写 month，如 2026-11" })
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month 须写成 YYYY-MM，如 2026-11")
    .meta({ description: "通报的月份（统计的是这个月），YYYY-MM" }),
});

const dept = z.strictObject({ code: z.string(), name: z.string() });
const PeriodSchema = z.strictObject({
  kind: z.enum(["week", "month", "quarter", "custom"]),
  from: z.string().meta({ description: "第一天（含），YYYY-MM-DD" }),
  to: z.string().meta({ description: "最后一天（含），YYYY-MM-DD" }),
  label: z.string().meta({ description: "如 2026年11月" }),
});
export const FigureDefinitionSchema = z.strictObject({
  key: z.enum(FIGURE_KEYS),
  label: z.string(),
  unit: z.enum(["件", "次", "比例", "工作小时", "分"]),
  definition: z.string().meta({ description: "这个数字的定义（页面显示在数字旁边，README 里也有）" }),
});

const count = z.number().int();
const fraction = z.number().nullable().meta({ description: "0 到 1 的比例，保留 4 位小数；分母为 0 时为 null" });
const hoursValue = z.number().nullable().meta({ description: "工作小时，保留 2 位小数；没有任务时为 null" });
export const FiguresSchema = z.strictObject({
  volume: count,
  acceptCount: count,
  acceptOnTime: count,
  acceptOnTimeRate: fraction,
  completed: count,
  completeOnTimeOriginal: count,
  completeOnTimeOriginalRate: fraction,
  completeOnTimeCommitted: count,
  completeOnTimeCommittedRate: fraction,
  acceptHoursMedian: hoursValue,
  acceptHoursP90: hoursValue,
  completeHoursMedian: hoursValue,
  completeHoursP90: hoursValue,
  open: count,
  red: count,
  everRed: count,
  returns: count,
  transfers: count,
  supervisions: count,
  ratingCount: count,
  ratingAverage: z.number().nullable().meta({ description: "保留两位小数；没有评价时为 null" }),
  badRatings: count,
  rectificationCount: count,
  rectificationOnTime: count,
  rectificationOnTimeRate: fraction,
});

export const DashboardFiguresSchema = z.strictObject({
  period: PeriodSchema,
  side: z.enum(["target", "requester"]),
  scope: z.enum(["all", "mine"]).meta({ description: "督查、管理员看到全部部门（all）；部门负责人只看到本人负责的部门（mine）" }),
  asOf: z.string().meta({ description: "统计截至的时间（ISO 8601）：往日来自每日汇总，今天的部分实时计算" }),
  definitions: z.array(FigureDefinitionSchema),
  rows: z.array(z.strictObject({ department: dept, figures: FiguresSchema })),
  total: FiguresSchema.meta({ description: "所列部门合计（用时的中位数、P90 按全部任务重新计算）" }),
});

export const RankingSchema = z.strictObject({
  period: PeriodSchema,
  scope: z.enum(["all", "mine"]),
  method: z.string().meta({ description: "排名方法的说明（页面显示）" }),
  items: z.array(
    z.strictObject({
      rank: z.number().int().meta({ description: "名次，1 为最好" }),
      of: z.number().int().meta({ description: "参加排名的部门数" }),
      department: dept,
      completed: count.meta({ description: "办结数（样本量）" }),
      onTime: count.meta({ description: "按原时限办结数" }),
      onTimeRate: z.number().meta({ description: "按时比例 0..1" }),
      lowerBound: z.number().meta({ description: "Wilson 95% 下限 0..1，排名依据" }),
      volume: count.meta({ description: "本期收到任务数" }),
      label: z.enum(["骏马", "蜗牛", ""]).meta({ description: "排名前 3 为骏马、后 3 为蜗牛（参加排名不足 6 个部门时前后各取一半）" }),
    }),
  ),
});

export const TrendsSchema = z.strictObject({
  side: z.enum(["target", "requester"]),
  department: dept.nullable().meta({ description: "只看一个部门时为该部门，否则为 null（所见部门合计）" }),
  weeks: z.array(
    z.strictObject({
      from: z.string().meta({ description: "周一，YYYY-MM-DD" }),
      to: z.string().meta({ description: "周日，YYYY-MM-DD" }),
      label: z.string().meta({ description: "如 11/23" }),
      volume: count,
      completed: count,
      completeOnTimeOriginalRate: fraction,
      acceptOnTimeRate: fraction,
      everRed: count,
      badRatings: count,
    }),
  ),
});

export const FigureTaskSchema = z.strictObject({
  taskId: z.number().int(),
  number: z.string(),
  title: z.string().meta({ description: "涉密事项对无权查看的人显示为（涉密事项）" }),
  classification: z.enum(CLASSIFICATIONS),
  state: z.enum(TASK_STATES),
  fromDepartment: dept,
  department: dept,
  createdAt: z.string(),
  acceptDueAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  originalDueAt: z.string(),
  dueAt: z.string(),
  completedAt: z.string().nullable(),
  everRed: z.boolean(),
  score: z.number().int().nullable().meta({ description: "计入统计的评价分数，没有为 null" }),
  at: z.string().meta({ description: "这个数字据以计入的时间（到达、签收、办结、退回、转办、督办、评价或整改时限）" }),
});
export const FigureTasksSchema = z.strictObject({
  figure: z.string(),
  period: PeriodSchema,
  department: dept,
  items: z.array(FigureTaskSchema),
  next: z.string().nullable(),
});

export const BulletinSchema = z.strictObject({
  month: z.string(),
  period: PeriodSchema,
  top: RankingSchema.shape.items.meta({ description: "骏马：排名最前的部门" }),
  bottom: RankingSchema.shape.items.meta({ description: "蜗牛：排名最后的部门" }),
  redOpen: z.array(z.strictObject({ number: z.string(), title: z.string(), department: dept, dueAt: z.string(), overdueWorkingDays: z.number().int() })),
  rectificationsOverdue: z.array(z.strictObject({ number: z.string(), title: z.string(), department: dept, dueAt: z.string() })),
  sentAt: z.string().nullable().meta({ description: "通报卡片发出（排入发送队列）的时间；尚未发出为 null" }),
});
