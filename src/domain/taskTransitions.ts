import { localDate, workingDaysBetween, type DeadlineSettings, type WorkCalendar } from "./calendar";
import type { AppealState, RectificationState } from "./rectification";
import { DomainError, TASK_STATE_LABELS, TASK_STATES, type TaskState } from "./types";

/**
 * Who an actor is relative to one task. Computed by the policies from roles; the table below only names them.
 * - requester: raised the request; requesterHead: head of the requesting department
 * - targetDispatcher / targetHead / targetHandler: roles in the task's (target) department; assignee: the named handler
 * - supervisor / admin: global roles
 */
export type Party =
  | "requester"
  | "requesterHead"
  | "targetDispatcher"
  | "targetHead"
  | "targetHandler"
  | "assignee"
  | "supervisor"
  | "admin";

export type TaskAction =
  | "approve"
  | "reject"
  | "accept"
  | "assign"
  | "return"
  | "transfer"
  | "resubmit"
  | "arbitrate"
  | "requestInfo"
  | "supplyInfo"
  | "complete"
  | "confirmCompletion"
  | "sendBack"
  | "withdraw"
  | "urge"
  | "comment"
  | "evaluate"
  | "supervise"
  | "reopen"
  | "rectify"
  | "confirmRectification"
  | "disputeRectification"
  | "decideDispute"
  | "appeal"
  | "decideAppeal"
  | "requestExtension"
  | "decideExtension";

export interface Transition {
  label: string;
  from: readonly TaskState[];
  /** null = the state does not change (urge, comment, evaluate, transfer stays pending_accept) */
  to: TaskState | null;
  parties: readonly Party[];
  /** extra condition on the task's flags, with the refusal text when it fails */
  guard?: (t: TaskFlags) => string | null;
}

export interface TaskFlags {
  reviewPending: boolean;
  arbitrationPending: boolean;
  arbitrated: boolean;
  transferCount: number;
  /** rated by the requester (kept in evaluations, not on the task; the evaluator looks it up itself) */
  evaluated?: boolean;
  /** the 整改 item a 差评 opened on the task, by its state (null: none); loaded with the rating (see taskStep.lockTask) */
  rectification?: RectificationState | null;
  /** the rated department's 申诉 of the rating (null: not appealed) */
  appeal?: AppealState | null;
  /** a 延期申请 waits for its decision */
  extensionPending?: boolean;
}

export const MAX_TRANSFERS_WITHOUT_ADMIN = 3;

const ALL: readonly TaskState[] = TASK_STATES;
const WORKING: readonly TaskState[] = ["in_progress"];
const TARGET_OFFICE: readonly Party[] = ["targetDispatcher", "targetHead"];
const TARGET_WORKERS: readonly Party[] = ["assignee", "targetHandler", "targetHead"];

/** The one transition table: every task change in xietong is checked here. */
export const TRANSITIONS: Record<TaskAction, Transition> = {
  approve: { label: "审批同意", from: ["pending_approval"], to: "pending_accept", parties: ["requesterHead"] },
  reject: { label: "审批驳回", from: ["pending_approval"], to: "rejected", parties: ["requesterHead"] },
  accept: { label: "签收", from: ["pending_accept"], to: "in_progress", parties: TARGET_OFFICE },
  // 分办: name (or change) the handler of a task already accepted.
  assign: { label: "指派经办人", from: ["in_progress", "awaiting_info"], to: null, parties: TARGET_OFFICE },
  return: {
    label: "退回",
    from: ["pending_accept", "in_progress"],
    to: "returned",
    parties: TARGET_OFFICE,
    guard: (t) => (t.arbitrated ? "该任务已由督查指定由本部门办理，不能再退回。" : null),
  },
  transfer: {
    label: "转办",
    from: ["pending_accept", "in_progress"],
    to: "pending_accept",
    parties: [...TARGET_OFFICE, "admin"],
    guard: (t) => (t.arbitrated ? "该任务已由督查指定由本部门办理，不能再转办。" : null),
  },
  resubmit: {
    label: "重新提交",
    from: ["returned"],
    to: "pending_accept",
    parties: ["requester"],
    guard: (t) => (t.arbitrationPending ? "该任务已连续被两个部门退回，正等待督查指定责任部门，暂不能重新提交。" : null),
  },
  arbitrate: {
    label: "督查指定",
    from: ["returned"],
    to: "pending_accept",
    parties: ["supervisor"],
    guard: (t) => (t.arbitrationPending ? null : "该任务不在待指定状态：只有连续被两个部门退回的任务需要督查指定。"),
  },
  requestInfo: { label: "要求补正", from: WORKING, to: "awaiting_info", parties: TARGET_WORKERS },
  supplyInfo: { label: "补充材料", from: ["awaiting_info"], to: "in_progress", parties: ["requester"] },
  complete: {
    label: "办结",
    from: WORKING,
    to: "completed",
    parties: TARGET_WORKERS,
    guard: (t) => (t.reviewPending ? "办结结果正等待本部门负责人确认，请勿重复提交。" : null),
  },
  confirmCompletion: {
    label: "确认办结",
    from: WORKING,
    to: "completed",
    parties: ["targetHead"],
    guard: (t) => (t.reviewPending ? null : "该任务没有待确认的办结结果。"),
  },
  sendBack: {
    label: "退回重办",
    from: WORKING,
    to: "in_progress",
    parties: ["targetHead"],
    guard: (t) => (t.reviewPending ? null : "该任务没有待确认的办结结果。"),
  },
  withdraw: {
    label: "撤回",
    from: ["pending_approval", "pending_accept", "in_progress", "awaiting_info", "returned"],
    to: "cancelled",
    parties: ["requester"],
  },
  urge: {
    label: "催办",
    from: ["pending_approval", "pending_accept", "in_progress", "awaiting_info"],
    to: null,
    parties: ["requester", "requesterHead", "supervisor"],
  },
  comment: {
    label: "补充说明",
    from: ALL,
    to: null,
    parties: ["requester", "requesterHead", "targetDispatcher", "targetHead", "targetHandler", "assignee", "supervisor"],
  },
  requestExtension: {
    label: "申请延期",
    from: ["in_progress", "awaiting_info"],
    to: null,
    parties: TARGET_WORKERS,
    guard: (t) => (t.extensionPending ? "该任务已有一份延期申请正等待审批，请等待决定后再申请。" : null),
  },
  // Decided by the requester, or by a supervisor when the task is under 督办 (the command checks which).
  decideExtension: {
    label: "审批延期",
    from: ["in_progress", "awaiting_info"],
    to: null,
    parties: ["requester", "supervisor"],
    guard: (t) => (t.extensionPending ? null : "该任务没有待审批的延期申请。"),
  },
  evaluate: { label: "评价", from: ["completed"], to: null, parties: ["requester"], guard: (t) => (t.evaluated ? "该任务已评价，不能重复评价。" : null) },
  // 督办: a supervisor's instruction on an open task (opens the 督办 or adds to the open one).
  supervise: { label: "督办", from: ["pending_accept", "in_progress", "awaiting_info"], to: null, parties: ["supervisor"] },
  // The result is not acceptable: the supervisor sends a completed task back to work, under 督办 again. The
  // command checks the window after completion (REOPEN_WORKING_DAYS).
  reopen: { label: "重新督办", from: ["completed"], to: "in_progress", parties: ["supervisor"] },
  // 整改 and 申诉 follow a rating; the task stays completed.
  rectify: {
    label: "整改答复",
    from: ["completed"],
    to: null,
    parties: TARGET_OFFICE,
    guard: (t) =>
      !t.rectification
        ? "该任务没有整改事项：只有评价为「不满意」或「非常不满意」的任务需要整改。"
        : t.rectification === "open"
          ? null
          : "该任务的整改已答复，无需重复答复。",
  },
  confirmRectification: {
    label: "确认整改",
    from: ["completed"],
    to: null,
    parties: ["requester"],
    guard: (t) => rectificationAnswered(t),
  },
  disputeRectification: {
    label: "整改异议",
    from: ["completed"],
    to: null,
    parties: ["requester"],
    guard: (t) => rectificationAnswered(t),
  },
  decideDispute: {
    label: "裁定整改异议",
    from: ["completed"],
    to: null,
    parties: ["supervisor"],
    guard: (t) => (t.rectification === "disputed" ? null : t.rectification === "resolved" ? "该整改异议已裁定，无需重复裁定。" : "该任务没有待裁定的整改异议。"),
  },
  appeal: {
    label: "申诉",
    from: ["completed"],
    to: null,
    parties: ["targetHead"],
    guard: (t) => (!t.evaluated ? "该任务尚未评价，没有可申诉的评价。" : t.appeal ? "每条评价只能申诉一次，该评价已申诉。" : null),
  },
  decideAppeal: {
    label: "裁定申诉",
    from: ["completed"],
    to: null,
    parties: ["supervisor"],
    guard: (t) => (t.appeal === "pending" ? null : t.appeal ? "该申诉已裁定，无需重复裁定。" : "该任务的评价没有待裁定的申诉。"),
  },
};

/** How long after completion a supervisor may reopen a task (working days). */
export const REOPEN_WORKING_DAYS = 10;

/** Working days since completion, and whether a supervisor may still reopen the task. */
export function reopenWindow(completedAt: Date | null, now: Date, cal: WorkCalendar, settings: DeadlineSettings): { days: number; open: boolean } {
  const days = completedAt ? workingDaysBetween(localDate(completedAt, settings), localDate(now, settings), cal) : 0;
  return { days, open: days <= REOPEN_WORKING_DAYS };
}

function rectificationAnswered(t: TaskFlags): string | null {
  if (t.rectification === "answered") return null;
  if (t.rectification === "open") return "承办部门尚未答复整改情况，答复后才能确认或提出异议。";
  if (t.rectification) return "该整改已确认或已提出异议，无需重复操作。";
  return "该任务没有整改事项。";
}

export const PARTY_LABELS: Record<Party, string> = {
  requester: "发起人",
  requesterHead: "发起部门负责人",
  targetDispatcher: "承办部门收件员",
  targetHead: "承办部门负责人",
  targetHandler: "承办部门经办人",
  assignee: "该任务的经办人",
  supervisor: "督查人员",
  admin: "管理员",
};

/**
 * How a person takes each action in chat, `{n}` standing for the request number; actions the chat has no
 * command for are taken in the mini-app. Refusals show these as their correct example.
 */
const CHAT_EXAMPLES: Partial<Record<TaskAction, string>> = {
  approve: "/同意 {n}",
  reject: "/驳回 {n} 请补充企业统一社会信用代码后再发起",
  accept: "/签收 {n}",
  return: "/退回 {n} 该事项不属于本部门职责，建议转市税务局",
  transfer: "/转办 {n} @市税务局 涉及欠税核查，属税务职责",
  complete: "/办结 {n} 经核查，该公司营业执照真实有效",
  requestInfo: "/要求补正 {n} 请补充该企业的统一社会信用代码",
  confirmCompletion: "/确认办结 {n}",
  sendBack: "/退回重办 {n} 核查结论缺少依据，请补充执照查询截图",
  supplyInfo: "/补充 {n} 统一社会信用代码 91330100MA2XXXXX",
  withdraw: "/撤回 {n} 企业已自行提交材料",
  urge: "/催办 {n}",
  comment: "/补充 {n} 企业联系人电话 0571-8888xxxx",
  evaluate: "/评价 {n} 5 办理及时",
  supervise: "/督办 {n} 请于本周五前办结并报送结果",
  rectify: "/整改 {n} 已约谈经办人，建立答复前复核制度",
  confirmRectification: "/整改确认 {n}",
  disputeRectification: "/整改异议 {n} 整改措施未落实到位",
  appeal: "/申诉 {n} 该评价针对的是其他部门的答复，并非本部门",
  requestExtension: "/延期 {n} 2026-12-31 需等待省厅回函",
  decideExtension: "/同意延期 {n}",
};

/** A correct way to take the action on this request: the chat command, or where to find it in the mini-app. */
export function actionExample(action: TaskAction, number: string): string {
  const chat = CHAT_EXAMPLES[action];
  return chat ? chat.replace("{n}", number) : `在小程序中打开 ${number}，点「${TRANSITIONS[action].label}」`;
}

/** Whether the chat has a command for the action (else it is a mini-app button). */
export function hasChatCommand(action: TaskAction): boolean {
  return CHAT_EXAMPLES[action] !== undefined;
}

/**
 * Checks state and flags (not the actor: see policies). Throws a DomainError whose message says why, in Chinese.
 * `alreadyBy` names who moved the task to where it is, for the "already approved by X" answers of races.
 */
export function assertTransition(
  action: TaskAction,
  state: TaskState,
  flags: TaskFlags,
  alreadyBy?: string | null,
): Transition {
  const t = TRANSITIONS[action];
  if (!t.from.includes(state)) {
    const by = alreadyBy ? `（由 ${alreadyBy} 处理）` : "";
    throw new DomainError(
      "invalid_state",
      `无法${t.label}：该任务当前状态为「${TASK_STATE_LABELS[state]}」${by}，只有处于「${t.from
        .map((s) => TASK_STATE_LABELS[s])
        .join("」「")}」状态时才能${t.label}。`,
    );
  }
  const refusal = t.guard?.(flags);
  if (refusal) throw new DomainError("not_allowed", refusal);
  return t;
}

export type RequestStatus = TaskState;

/**
 * A request's status, derived from its tasks: the least advanced open state wins; when nothing is open,
 * returned > completed > rejected > cancelled.
 */
export function deriveRequestStatus(states: readonly TaskState[]): RequestStatus {
  if (states.length === 0) return "cancelled";
  const has = (s: TaskState) => states.includes(s);
  if (has("pending_approval")) return "pending_approval";
  if (has("in_progress") || has("awaiting_info")) return has("awaiting_info") && !has("in_progress") ? "awaiting_info" : "in_progress";
  if (has("pending_accept")) return has("completed") ? "in_progress" : "pending_accept";
  if (has("returned")) return "returned";
  if (has("completed")) return "completed";
  if (has("rejected")) return "rejected";
  return "cancelled";
}

export function isOpenState(state: TaskState): boolean {
  return state === "pending_approval" || state === "pending_accept" || state === "in_progress" || state === "awaiting_info";
}
