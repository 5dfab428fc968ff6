import { Hono } from "hono";
import { z } from "zod";
import { loadWorkCalendar } from "../../../commands/calendarLoader";
import { missingYearWarning } from "../../../commands/calendarNotices";
import { calendarOverrideSaver, CALENDAR_EXAMPLE } from "../../../commands/calendarOverrideSaver";
import { runCommand } from "../../../commands/context";
import { listCalendarOverrides } from "../../../db/repositories/org";
import { calendarOverrideItem } from "../../../domain/importFormat";
import { isValidDate, localDate, statutoryDays, statutoryKind, statutoryYears } from "../../../domain/calendar";
import type { AppEnv } from "../../env";
import { adminAuth } from "../../middleware/admin-auth";
import { describe, jsonBody, pathParams } from "../../validation";

// 节假日 in the admin console: the statutory schedule of this and next year with the admins' overrides, a
// warning while next year has no data, and adding or removing an override (with a reason, audited).

const dateParam = z.object({
  date: z.string().refine(isValidDate, "日期须为真实存在的 YYYY-MM-DD，例如 2027-01-01"),
});
const overrideBody = calendarOverrideItem;

const DaySchema = z.strictObject({
  date: z.string(),
  kind: z.enum(["holiday", "workday"]),
  name: z.string().nullable().meta({ description: "法定节日名称，如 国庆节" }),
  source: z.enum(["statutory", "override"]),
  statutoryKind: z.enum(["holiday", "workday"]).nullable().meta({ description: "法定安排中这一天是什么（被管理员调整时可对照）" }),
  note: z.string().nullable().meta({ description: "管理员调整的原因" }),
});
const YearSchema = z.strictObject({
  year: z.number().int(),
  statutory: z.boolean().meta({ description: "是否有该年的法定安排数据" }),
  hasData: z.boolean().meta({ description: "法定安排或管理员调整中至少有一项" }),
  days: z.array(DaySchema),
});

export const calendarRoutes = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get(
    "/",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "节假日",
      description: "今年和明年的法定节假日、调休上班日与管理员的调整；明年尚无数据时给出 warning（届时按仅周末休息计算时限）。",
      responses: { 200: { description: "两年的日历", schema: z.strictObject({ today: z.string(), warning: z.string().nullable(), statutoryYears: z.array(z.number().int()), years: z.array(YearSchema) }) } },
    }),
    async (c) => {
      const deps = c.get("deps");
      const db = deps.db.kysely;
      const today = localDate(deps.now(), deps.config.deadline);
      const thisYear = Number(today.slice(0, 4));
      const cal = await loadWorkCalendar(db);
      const overrides = await listCalendarOverrides(db);
      const years = [thisYear, thisYear + 1].map((year) => {
        const byDate = new Map<string, z.infer<typeof DaySchema>>();
        for (const d of statutoryDays(year)) byDate.set(d.date, { date: d.date, kind: d.kind, name: d.name, source: "statutory", statutoryKind: d.kind, note: null });
        for (const o of overrides.filter((x) => x.date.startsWith(`${year}-`))) {
          byDate.set(o.date, { date: o.date, kind: o.kind, name: byDate.get(o.date)?.name ?? null, source: "override", statutoryKind: statutoryKind(o.date), note: o.note ?? null });
        }
        const days = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
        return { year, statutory: statutoryYears().includes(year), hasData: cal.hasDataFor(year), days };
      });
      const warning = years.filter((y) => !y.hasData).map((y) => missingYearWarning(y.year)).join(" ") || null;
      return c.json({ today, warning, statutoryYears: statutoryYears(), years });
    },
  )
  .put(
    "/days/:date",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "调整一天",
      description: "把一天设为放假（holiday）或上班（workday），或取消调整（statutory）恢复法定安排；须写原因，记入组织留痕。未办结任务的时限默认不变；recomputeOpenTasks 为 true 时按新日历重新计算（每个任务记入其留痕）。",
      params: { date: "日期 YYYY-MM-DD" },
      responses: { 200: { description: "已调整" }, 404: { description: "取消调整时，这一天并没有调整" } },
    }),
    pathParams(dateParam, "/api/admin/calendar/days/2027-01-01"),
    jsonBody(overrideBody, JSON.parse(CALENDAR_EXAMPLE) as z.input<typeof overrideBody>),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), calendarOverrideSaver, { ...c.req.valid("json"), date: c.req.valid("param").date })),
  );
