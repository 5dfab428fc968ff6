import { PRIORITY_LABELS, type RoutingRule } from "./types";

// What changed between two versions of a routing rule, field by field, for the admin's history view.

export interface RuleChange {
  /** e.g. "match.keywordsAny", "action.targets", "priority" */
  field: string;
  /** Chinese label of the field */
  label: string;
  before: unknown;
  after: unknown;
}

const LABELS: Record<string, string> = {
  name: "名称",
  priority: "优先级",
  enabled: "启用",
  "match.keywordsAny": "任一关键词",
  "match.keywordsAll": "全部关键词",
  "match.category": "类别",
  "match.fromDepartments": "发起部门",
  "match.priorities": "紧急程度",
  "action.targets": "承办部门",
  "action.lead": "主办部门",
  "action.slaWorkingDays": "办结时限（工作日）",
  "action.acceptWorkingDays": "签收时限（工作日）",
  "action.outboundApproval": "发出前审批",
  "action.completionReview": "办结审核",
  "action.cc": "抄送部门",
};

type Versioned = Pick<RoutingRule, "name" | "priority" | "enabled" | "match" | "action">;

/** Fields that differ from `before` (null: the first version, every set field counts as added). */
export function diffRule(before: Versioned | null, after: Versioned): RuleChange[] {
  const flat = (r: Versioned | null): Record<string, unknown> => {
    if (!r) return {};
    const out: Record<string, unknown> = { name: r.name, priority: r.priority, enabled: r.enabled };
    for (const [k, v] of Object.entries(r.match ?? {})) out[`match.${k}`] = v;
    for (const [k, v] of Object.entries(r.action ?? {})) out[`action.${k}`] = v;
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const order = Object.keys(LABELS);
  fields.sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
  return fields
    .filter((f) => JSON.stringify(a[f] ?? null) !== JSON.stringify(b[f] ?? null))
    .map((f) => ({ field: f, label: LABELS[f] ?? f, before: a[f] ?? null, after: b[f] ?? null }));
}

/** One change in a line of Chinese: 任一关键词：营业执照、证照 → 营业执照. */
export function describeChange(c: RuleChange): string {
  const show = (v: unknown): string => {
    if (v === null || v === undefined) return "（无）";
    if (typeof v === "boolean") return v ? "是" : "否";
    if (Array.isArray(v)) return v.length ? v.map((x) => (x in PRIORITY_LABELS ? PRIORITY_LABELS[x as keyof typeof PRIORITY_LABELS] : String(x))).join("、") : "（无）";
    return String(v);
  };
  return `${c.label}：${show(c.before)} → ${show(c.after)}`;
}
