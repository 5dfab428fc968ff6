import { computeDueAt, dueAtForDate, localDate, nextOccurrence, workingDaysBetween, type WorkCalendar } from "../domain/calendar";
import { interpretRequestForm, interpretRequestText, type DeadlineSpec, type InterpretedRequestText, type RequestForm } from "../domain/requestText";
import { route } from "../domain/routing";
import { DomainError, type HandlingPolicy, type Priority } from "../domain/types";
import type { Executor } from "../db/client";
import { listCurrentRules, listDepartments, toDepartmentRef, toRoutingRule } from "../db/repositories/org";
import type { Department, RoutingRuleRow } from "../db/tables";
import { loadWorkCalendar } from "./calendarLoader";
import type { Deps } from "./context";

export interface PlanInput {
  /** what follows /发起 (ignored when `form` is given) */
  text: string;
  /** the structured 发起 form instead of the text grammar */
  form?: RequestForm | undefined;
  /** code of the requesting department */
  fromDepartment: string;
  category?: string | null | undefined;
  priority?: Priority | undefined;
  submittedAt?: Date | undefined;
  /** the rules to route by instead of the saved ones (the admin's tester: rules as edited, before saving) */
  rules?: RoutingRuleRow[] | undefined;
}

export interface RequestPlan {
  text: InterpretedRequestText;
  fromDepartment: Department;
  /** lead first */
  targets: Department[];
  lead: Department;
  rule: RoutingRuleRow | null;
  policy: HandlingPolicy;
  priority: Priority;
  category: string | null;
  submittedAt: Date;
  dueAt: Date;
  /** years the deadline count crossed without holiday data (counted as weekends only) */
  missingYears: number[];
  explanation: string;
}

/**
 * Everything a new request would be, without writing anything: targets, rule, policy and deadline. The
 * dry run answers with it; requestCreator creates exactly what it says.
 */
export async function planRequest(deps: Deps, db: Executor, input: PlanInput): Promise<RequestPlan> {
  const departments = await listDepartments(db);
  const fromDepartment = departments.find((d) => d.code === input.fromDepartment);
  if (!fromDepartment) throw new DomainError("unknown_department", `找不到发起部门 ${input.fromDepartment}。`);
  const refs = departments.map(toDepartmentRef);
  const text = input.form ? interpretRequestForm(input.form, refs) : interpretRequestText(input.text, refs);
  const priority = input.priority ?? text.priority;
  const category = input.category ?? text.category;
  const rules = input.rules ?? (await listCurrentRules(db));
  const byCode = new Map(departments.map((d) => [d.code, d]));
  const decision = route(
    rules.map(toRoutingRule),
    { text: text.content, category, fromDepartment: fromDepartment.code, priority },
    text.targets.map((t) => t.code),
    (code) => byCode.get(code)?.name ?? code,
  );
  const targets = decision.targets.map((code) => {
    const d = byCode.get(code);
    if (!d) throw new DomainError("unknown_department", `路由规则指向的部门 ${code} 不存在或已停用，请联系管理员。`);
    return d;
  });
  if (targets.some((t) => t.id === fromDepartment.id)) {
    throw new DomainError("self_target", "不能向本部门发起协同事项。", { example: "/发起 @市监局 核查某公司营业执照" });
  }
  const rule = decision.rule ? (rules.find((r) => r.code === decision.rule!.code) ?? null) : null;
  const submittedAt = input.submittedAt ?? deps.now();
  const cal = await loadWorkCalendar(db);
  const due = deadlineFor(text.deadline, decision.policy.slaWorkingDays, submittedAt, cal, deps);
  const missing = due.missingYears.length > 0 ? `注意：${due.missingYears.join("、")} 年的节假日安排尚无数据，暂按仅周末休息计算，请管理员导入该年节假日。` : "";
  return {
    text,
    fromDepartment,
    targets,
    lead: byCode.get(decision.lead) ?? targets[0]!,
    rule,
    policy: decision.policy,
    priority,
    category,
    submittedAt,
    dueAt: due.dueAt,
    missingYears: due.missingYears,
    explanation: [decision.explanation, due.note, missing].filter(Boolean).join(" "),
  };
}

/** The rule's deadline, or the requester's earlier one; never later than the rule allows. */
function deadlineFor(spec: DeadlineSpec | null, sla: number, submittedAt: Date, cal: WorkCalendar, deps: Deps) {
  const settings = deps.config.deadline;
  const allowed = computeDueAt(submittedAt, sla, cal, settings);
  if (!spec) return { ...allowed, note: `时限 ${sla} 个工作日。` };
  const example = `截止:${Math.min(sla, 3)}个工作日`;
  if (spec.kind === "workingDays") {
    if (spec.days > sla) {
      throw new DomainError("deadline_too_late", `要求的截止时间（${spec.days} 个工作日）晚于规则允许的 ${sla} 个工作日，只能要求更早的截止时间。`, { example });
    }
    return { ...computeDueAt(submittedAt, spec.days, cal, settings), note: `按要求 ${spec.days} 个工作日内完成。` };
  }
  const date = spec.kind === "date" ? spec.date : nextOccurrence(spec.month, spec.day, submittedAt, settings);
  if (!date) throw new DomainError("invalid_deadline", `${spec.kind === "monthDay" ? `${spec.month}月${spec.day}日` : ""}不是有效日期。`, { example });
  const asked = dueAtForDate(date, cal, settings);
  if (asked.dueAt.getTime() <= submittedAt.getTime() || date <= localDate(submittedAt, settings)) {
    throw new DomainError("deadline_past", `截止日期 ${date} 已过或就是今天，请至少留出一个工作日。`, { example });
  }
  if (asked.dueAt.getTime() > allowed.dueAt.getTime()) {
    throw new DomainError(
      "deadline_too_late",
      `要求的截止日期 ${date} 晚于规则允许的 ${sla} 个工作日（${localDate(allowed.dueAt, settings)}），只能要求更早的截止时间。`,
      { example },
    );
  }
  const days = workingDaysBetween(localDate(submittedAt, settings), date, cal);
  return { ...asked, note: `按要求于 ${date} 前完成（${days} 个工作日）。` };
}
