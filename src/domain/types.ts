// Shared vocabulary of the domain (see ../shared/docs/domain.md). Pure types and constants only.

export const TASK_STATES = [
  "pending_approval",
  "pending_accept",
  "in_progress",
  "awaiting_info",
  "completed",
  "rejected",
  "returned",
  "cancelled",
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const OPEN_TASK_STATES: readonly TaskState[] = ["pending_approval", "pending_accept", "in_progress", "awaiting_info"];

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  pending_approval: "待审批",
  pending_accept: "待签收",
  in_progress: "办理中",
  awaiting_info: "待补正",
  completed: "已办结",
  rejected: "未通过",
  returned: "已退回",
  cancelled: "已撤回",
};

export const PRIORITIES = ["normal", "urgent", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_LABELS: Record<Priority, string> = { normal: "普通", urgent: "紧急", critical: "特急" };

/** 好差评, best first: 5 非常满意 … 1 非常不满意. */
export const EVALUATION_LABELS: Readonly<Record<number, string>> = { 5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意" };
export const EVALUATION_SCORES = [5, 4, 3, 2, 1] as const;

/** 临期: an open item due within this window (lists' due=soon, the colours of deadlines). */
export const DUE_SOON_MS = 24 * 3600_000;

export const CLASSIFICATIONS = ["public", "internal", "sensitive"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const DEPARTMENT_ROLES = ["member", "handler", "dispatcher", "head"] as const;
export type DepartmentRole = (typeof DEPARTMENT_ROLES)[number];
export const GLOBAL_ROLES = ["admin", "supervisor"] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export type Role = DepartmentRole | GlobalRole;

export const REQUEST_SOURCES = ["chat", "miniapp", "api"] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

/** A department as the text parser, resolver and router see it. */
export interface DepartmentRef {
  code: string;
  name: string;
  aliases: string[];
}

export interface RuleMatch {
  keywordsAny?: string[];
  keywordsAll?: string[];
  category?: string;
  /** department codes of the requesting department */
  fromDepartments?: string[];
  priorities?: Priority[];
}

export interface RuleAction {
  /** department codes; more than one = 联办 (joint handling) */
  targets: string[];
  /** the leading department code in a joint request; defaults to the first target */
  lead?: string;
  slaWorkingDays?: number;
  /** 签收时限 in working days (default: the escalation policy's, 1) */
  acceptWorkingDays?: number;
  outboundApproval?: boolean;
  completionReview?: boolean;
  /** department codes informed of the request, without a task */
  cc?: string[];
}

export interface RoutingRule {
  code: string;
  name: string;
  version: number;
  priority: number;
  enabled: boolean;
  match: RuleMatch;
  action: RuleAction;
}

export interface HandlingPolicy {
  slaWorkingDays: number;
  outboundApproval: boolean;
  completionReview: boolean;
}

/** Working days given by the priority when the rule does not say otherwise. */
export const PRIORITY_SLA_WORKING_DAYS: Record<Priority, number> = { normal: 5, urgent: 2, critical: 1 };

/**
 * A refusal or a malformed input, explained to a person. `message` is Chinese and says what was wrong;
 * `example` is a correct input the person can copy.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly example: string | undefined;
  readonly candidates: DepartmentRef[] | undefined;
  constructor(code: string, message: string, opts: { example?: string; candidates?: DepartmentRef[] } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.example = opts.example;
    this.candidates = opts.candidates;
  }
}
