import { isOpenState, TRANSITIONS } from "../domain/taskTransitions";
import { DomainError } from "../domain/types";
import { findDepartmentByCode } from "../db/repositories/org";
import { authorize, can } from "../policies/task";
import type { Command } from "./context";
import { departmentRecipients, messageFor, userRecipient } from "./notifications";
import { applyTransition, lockRequest, lockRequestByNumber, type LockedTask } from "./taskStep";
import { dateTimeFormat } from "../domain/intl";

export interface UrgeInput {
  requestNumber: string;
  /** only this department's task; omitted = every unfinished task */
  departmentCode?: string | undefined;
}

/** 催办: nudges the departments still working on a request; at most once per task per URGE_INTERVAL_HOURS. */
export const taskUrger: Command<UrgeInput, { urged: number }> = async (deps, ctx, input) => {
  const { request, tasks } = await lockRequest(ctx, (await lockRequestByNumber(ctx, input.requestNumber)).id);
  // Who may urge is decided by the request (requester, their head, supervisors), before any state or limit.
  if (!tasks.some((task) => can(ctx.actor, "urge", { request, task }))) authorize(ctx.actor, "urge", { request, task: tasks[0]! }, request.number);
  let candidates = tasks.filter((t) => TRANSITIONS.urge.from.includes(t.state));
  if (input.departmentCode) {
    const d = await findDepartmentByCode(ctx.trx, input.departmentCode);
    candidates = candidates.filter((t) => t.departmentId === d?.id);
  }
  if (candidates.length === 0) {
    throw new DomainError("invalid_state", `协同事项 ${request.number} 没有可催办的任务（已办结、已退回或已撤回的任务无需催办）。`);
  }
  const locked: LockedTask = { request, task: candidates[0]!, tasks };
  const now = deps.now();
  const intervalMs = deps.config.urgeIntervalHours * 3600_000;
  const due = candidates.filter((t) => !t.lastUrgedAt || now.getTime() - new Date(t.lastUrgedAt).getTime() >= intervalMs);
  if (due.length === 0) {
    const next = Math.min(...candidates.map((t) => new Date(t.lastUrgedAt!).getTime() + intervalMs));
    throw new DomainError(
      "rate_limited",
      `每个任务 ${deps.config.urgeIntervalHours} 小时内只能催办一次，下次可催办时间：${formatLocal(new Date(next), deps.config.deadline.timeZone)}。`,
    );
  }
  for (const task of due) {
    locked.task = task;
    await applyTransition(deps, ctx, locked, {
      action: "urge",
      patch: { lastUrgedAt: now },
      messages: async (t, req) =>
        messageFor(
          ctx.trx,
          "task.urged",
          t.assigneeId !== null && isOpenState(t.state) && t.state !== "pending_accept"
            ? [await userRecipient(ctx.trx, t.assigneeId)]
            : await departmentRecipients(ctx.trx, t.departmentId),
          req,
          t,
          { text: `${ctx.actor.name} 催办：请尽快处理该协同事项。` },
        ),
    });
  }
  return { urged: due.length };
};

export function formatLocal(at: Date, timeZone: string): string {
  return dateTimeFormat("zh-CN", { timeZone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(at);
}
