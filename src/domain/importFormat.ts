import { z } from "zod";
import { policySettings } from "./escalation";
import { DEPARTMENT_ROLES, GLOBAL_ROLES, PRIORITIES } from "./types";

// The import document of domain.md ("Import format"). Items are validated one by one so that the answer can
// name every rejected item with its reason.

export const code = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "编码只能包含小写字母、数字、- 和 _，例如 city-amr");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式为 YYYY-MM-DD，例如 2027-01-01");

export const departmentItem = z.object({
  code,
  name: z.string().trim().min(1, "部门名称不能为空").max(100),
  aliases: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  parent: code.nullish(),
  chatId: z.string().trim().min(1).max(100).nullish(),
  active: z.boolean().default(true),
});

export const userItem = z.object({
  openId: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1, "姓名不能为空").max(50),
  department: code,
  roles: z.array(z.enum([...DEPARTMENT_ROLES, ...GLOBAL_ROLES], { message: `角色只能是 ${[...DEPARTMENT_ROLES, ...GLOBAL_ROLES].join("、")}` })).default(["member"]),
  active: z.boolean().default(true),
  /** the morning list of what is due soon or overdue; false = opted out */
  dailyDigest: z.boolean().default(true),
});

export const ruleItem = z.object({
  code,
  name: z.string().trim().min(1).max(100),
  priority: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean().default(true),
  match: z
    .object({
      keywordsAny: z.array(z.string().trim().min(1)).optional(),
      keywordsAll: z.array(z.string().trim().min(1)).optional(),
      category: z.string().trim().min(1).optional(),
      fromDepartments: z.array(code).optional(),
      priorities: z.array(z.enum(PRIORITIES)).optional(),
    })
    .strict()
    .default({}),
  action: z
    .object({
      targets: z.array(code).min(1, "规则至少要有一个承办部门（targets）"),
      lead: code.optional(),
      slaWorkingDays: z.number().int().min(1).max(60).optional(),
      acceptWorkingDays: z.number().int().min(1, "签收时限至少 1 个工作日，例如 1").max(30).optional(),
      outboundApproval: z.boolean().optional(),
      completionReview: z.boolean().optional(),
      cc: z.array(code).optional(),
    })
    .strict(),
});

export const holidayItem = z.object({
  date,
  kind: z.enum(["holiday", "workday"], { message: "kind 只能是 holiday（放假）或 workday（调休上班）" }),
  note: z.string().max(100).nullish(),
});

/** The admin console's change of one day (PUT /api/admin/calendar/days/:date, and its form in the mini-app). */
export const calendarOverrideItem = z.object({
  kind: z.enum(["holiday", "workday", "statutory"], { message: "kind 只能是 holiday（放假）、workday（上班）或 statutory（取消调整，按法定安排）" }),
  reason: z.string({ message: "请填写调整原因" }).trim().min(2, "请填写调整原因（至少 2 个字），例如：国务院办公厅通知 2027 年元旦放假").max(200, "原因最长 200 字"),
  recomputeOpenTasks: z.boolean().optional().meta({ description: "重新计算未办结任务时限；不填或 false 时已有任务的时限不变" }),
});

/**
 * An escalation policy: the fields it sets over the defaults, for every task (no scope), a priority, a rule, or a
 * rule at one priority. `{"code":"urgent-fast","name":"紧急事项","priority":"urgent","superviseAfterWorkingDays":1}`
 */
export const escalationPolicyItem = policySettings.extend({
  code,
  name: z.string().trim().min(1, "策略名称不能为空").max(100),
  rule: code.nullish(),
  priority: z.enum(PRIORITIES, { message: `priority 只能是 ${PRIORITIES.join("、")}` }).nullish(),
});

export const importDocument = z
  .object({
    departments: z.array(z.unknown()).default([]),
    users: z.array(z.unknown()).default([]),
    rules: z.array(z.unknown()).default([]),
    holidays: z.array(z.unknown()).default([]),
    escalationPolicies: z.array(z.unknown()).default([]),
  })
  .strict();

export type DepartmentItem = z.infer<typeof departmentItem>;
export type UserItem = z.infer<typeof userItem>;
export type RuleItem = z.infer<typeof ruleItem>;
export type HolidayItem = z.infer<typeof holidayItem>;
export type EscalationPolicyItem = z.infer<typeof escalationPolicyItem>;

export const IMPORT_EXAMPLE = `{"departments":[{"code":"city-amr","name":"市市场监督管理局","aliases":["市监局"]}],"users":[{"openId":"ou_zhang","name":"张伟","department":"city-amr","roles":["head"]}],"rules":[],"holidays":[]}`;

/** zod issues in one line of Chinese */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("；");
}
