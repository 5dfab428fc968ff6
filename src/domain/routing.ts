import {
  DomainError,
  PRIORITY_LABELS,
  PRIORITY_SLA_WORKING_DAYS,
  type HandlingPolicy,
  type Priority,
  type RoutingRule,
} from "./types";

// Which departments handle a request, and under which policy (domain.md, "Routing rules").

export interface RoutingContext {
  /** the request's content */
  text: string;
  category: string | null;
  /** code of the requesting department */
  fromDepartment: string;
  priority: Priority;
}

export interface RouteDecision {
  /** department codes, the lead first */
  targets: string[];
  lead: string;
  rule: RoutingRule | null;
  policy: HandlingPolicy;
  /** Chinese: which rule matched and why, or that the named departments were used, or the default policy */
  explanation: string;
}

export const NO_ROUTE_EXAMPLE = "/发起 @市监局 核查某公司营业执照";

/** Full-width ASCII as half-width, latin lower case: how keywords, text and categories are compared. */
function fold(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ")
    .toLowerCase()
    .trim();
}

/** The criterion's non-empty keywords, folded. */
const keywords = (list: readonly string[] | undefined) => (list ?? []).map(fold).filter(Boolean);

/** Does the rule's match fit? Its targets play no part; an absent or empty criterion does not constrain. */
export function ruleMatches(rule: RoutingRule, ctx: RoutingContext): boolean {
  const m = rule.match;
  const text = fold(ctx.text);
  const any = keywords(m.keywordsAny);
  if (any.length > 0 && !any.some((k) => text.includes(k))) return false;
  const all = keywords(m.keywordsAll);
  if (all.length > 0 && !all.every((k) => text.includes(k))) return false;
  const category = fold(m.category ?? "");
  if (category && category !== fold(ctx.category ?? "")) return false;
  if (m.fromDepartments?.length && !m.fromDepartments.includes(ctx.fromDepartment)) return false;
  if (m.priorities?.length && !m.priorities.includes(ctx.priority)) return false;
  return true;
}

const byPriorityThenCode = (a: RoutingRule, b: RoutingRule) =>
  a.priority - b.priority || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** The first enabled rule (lowest priority number, then code) whose match fits. */
export function matchRule(rules: readonly RoutingRule[], ctx: RoutingContext): RoutingRule | null {
  return [...rules].filter((r) => r.enabled).sort(byPriorityThenCode).find((r) => ruleMatches(r, ctx)) ?? null;
}

/**
 * The rule's working days when it gives some, else the priority's; an urgent or critical request never gets
 * longer than its priority allows. Approval and review only when the rule asks for them.
 */
export function policyFor(rule: RoutingRule | null, priority: Priority): HandlingPolicy {
  const byPriority = PRIORITY_SLA_WORKING_DAYS[priority];
  const ruleSla = rule?.action.slaWorkingDays;
  const usable = ruleSla !== undefined && Number.isInteger(ruleSla) && ruleSla >= 1;
  const sla = !usable ? byPriority : priority === "normal" ? ruleSla : Math.min(ruleSla, byPriority);
  return {
    slaWorkingDays: sla,
    outboundApproval: rule?.action.outboundApproval ?? false,
    completionReview: rule?.action.completionReview ?? false,
  };
}

/**
 * Explicit targets (codes) win over the rule's; the first matching rule still supplies the policy. The lead is
 * the rule's `lead` when it is among the targets, else the first target.
 */
export function route(
  rules: readonly RoutingRule[],
  ctx: RoutingContext,
  explicitTargets: readonly string[],
  /** how explanations name departments (code → name); codes when absent */
  nameOf: (code: string) => string = (code) => code,
): RouteDecision {
  const rule = matchRule(rules, ctx);
  const policy = policyFor(rule, ctx.priority);
  const explicit = unique(explicitTargets);
  const candidates = explicit.length > 0 ? explicit : unique(rule?.action.targets ?? []);
  if (candidates.length === 0) {
    const why = rule ? `规则「${rule.name}」匹配了该事项，但没有配置承办部门` : "没有找到能处理该事项的部门";
    throw new DomainError("no_route", `${why}：请用 @部门 指明要发给哪个部门。`, { example: NO_ROUTE_EXAMPLE });
  }
  const ruleLead = rule?.action.lead;
  const lead = ruleLead && candidates.includes(ruleLead) ? ruleLead : candidates[0]!;
  const targets = [lead, ...candidates.filter((t) => t !== lead)];
  const joint = targets.length > 1 ? `（联办，主办 ${nameOf(lead)}）` : "";
  const sla = `时限 ${policy.slaWorkingDays} 个工作日`;
  let explanation: string;
  if (explicit.length > 0) {
    explanation = rule
      ? `按指定的承办部门发送${joint}；办理要求来自${describeMatch(rule, ctx, nameOf)}，${sla}。`
      : `按指定的承办部门发送${joint}；未匹配任何规则，按默认要求办理（${PRIORITY_LABELS[ctx.priority]}，${sla}）。`;
  } else {
    explanation = `${describeMatch(rule!, ctx, nameOf)}，发送至规则指定的部门${joint}，${sla}。`;
  }
  return { targets, lead, rule, policy, explanation };
}

function unique(codes: readonly string[]): string[] {
  return [...new Set(codes.map((c) => c.trim()).filter(Boolean))];
}

/** 匹配规则「证照核查」（licence 第 1 版，依据关键词「营业执照」）. */
function describeMatch(rule: RoutingRule, ctx: RoutingContext, nameOf: (code: string) => string): string {
  const m = rule.match;
  const text = fold(ctx.text);
  const reasons: string[] = [];
  const any = (m.keywordsAny ?? []).filter((k) => fold(k) && text.includes(fold(k)));
  if (any.length > 0) reasons.push(`关键词「${any.join("」「")}」`);
  const all = (m.keywordsAll ?? []).filter((k) => fold(k));
  if (all.length > 0) reasons.push(`关键词「${all.join("」「")}」`);
  if (m.category) reasons.push(`类别「${m.category}」`);
  if (m.fromDepartments?.length) reasons.push(`发起部门 ${nameOf(ctx.fromDepartment)}`);
  if (m.priorities?.length) reasons.push(`紧急程度「${PRIORITY_LABELS[ctx.priority]}」`);
  const why = reasons.length > 0 ? `，依据${reasons.join("、")}` : "，兜底规则";
  return `匹配规则「${rule.name}」（${rule.code} 第 ${rule.version} 版${why}）`;
}

/**
 * Rules that an earlier enabled rule catches first: a keyword of the later rule equals or contains a keyword of
 * the earlier rule's `keywordsAny`/`keywordsAll` (so a text with the later keyword holds the earlier one too).
 * Category, departments and priorities are not compared: the flag warns, it does not prove. code -> earlier rule.
 */
export function preemptions(rules: readonly RoutingRule[]): Map<string, RoutingRule> {
  const ordered = [...rules].filter((r) => r.enabled).sort(byPriorityThenCode);
  const found = new Map<string, RoutingRule>();
  ordered.forEach((rule, i) => {
    const mine = [...keywords(rule.match.keywordsAny), ...keywords(rule.match.keywordsAll)];
    if (mine.length === 0) return;
    const earlier = ordered.slice(0, i).find((e) => {
      const theirs = [...keywords(e.match.keywordsAny), ...keywords(e.match.keywordsAll)];
      return theirs.length > 0 && mine.some((k) => theirs.some((t) => k.includes(t)));
    });
    if (earlier) found.set(rule.code, earlier);
  });
  return found;
}
