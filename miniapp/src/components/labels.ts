import { DUE_SOON_MS, OPEN_TASK_STATES, PRIORITY_LABELS as PRIORITY_WORDS, TASK_STATE_LABELS } from "../../../src/domain/types";
import type { Action } from "../api";

// The words are the domain's own (one definition for the server, the chat and this page).
export const STATE_LABELS: Readonly<Record<string, string>> = TASK_STATE_LABELS;
export const OPEN_STATES: readonly string[] = OPEN_TASK_STATES;
export const PRIORITY_LABELS: Readonly<Record<string, string>> = PRIORITY_WORDS;

/** on time / due soon (within a day) / overdue, for open items; closed ones are grey. */
export function dueClass(dueAt: string, state: string): string {
  if (!OPEN_STATES.includes(state)) return "due-closed";
  // Paused for 补正: the clock stands still, never overdue.
  if (state === "awaiting_info") return "due-ok";
  const left = new Date(dueAt).getTime() - Date.now();
  return left < 0 ? "due-over" : left < DUE_SOON_MS ? "due-soon" : "due-ok";
}

export function when(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}

/** What each action is called on a button and in a form title. */
export const ACTION_LABELS: Record<Action, string> = {
  approve: "同意",
  reject: "驳回",
  accept: "签收",
  assign: "指派经办人",
  return: "退回",
  transfer: "转办",
  resubmit: "重新提交",
  arbitrate: "指定责任部门",
  requestInfo: "要求补正",
  supplyInfo: "补正",
  complete: "办结",
  confirmCompletion: "确认办结",
  sendBack: "退回重办",
  withdraw: "撤回",
  urge: "催办",
  comment: "补充说明",
  evaluate: "评价",
  supervise: "督办",
  reopen: "重新督办",
  rectify: "整改答复",
  confirmRectification: "确认整改",
  disputeRectification: "整改异议",
  decideDispute: "裁定整改异议",
  appeal: "申诉",
  decideAppeal: "裁定申诉",
  requestExtension: "申请延期",
  decideExtension: "审批延期",
};
