import { isOpenState } from "../domain/taskTransitions";
import { DomainError } from "../domain/types";
import { findDepartmentById } from "../db/repositories/org";
import type { Executor } from "../db/client";
import type { RequestRow, TaskRow } from "../db/tables";
import { hasDepartmentRole } from "../policies/actor";
import type { Command, CommandContext } from "./context";
import { requireText } from "./inputs";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface CompleteInput {
  task: TaskRef;
  result: string;
}

/**
 * 办结: the handler records the result. In a joint request the lead completes last, and its answer reaches
 * the requester together with the supporting departments' results. Where the policy asks for completion
 * review, the result waits for the target head's confirmation (unless the head completes it).
 */
export const taskCompleter: Command<CompleteInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "complete");
  const result = requireText(input.result, "办结结果", `/办结 ${locked.request.number} 经核查，该公司营业执照真实有效`, 5000);
  const { task } = locked;
  await assertSupportingSettled(ctx, locked);
  const headCompletes = hasDepartmentRole(ctx.actor, "head", task.departmentId);
  if (task.completionReview && !headCompletes) {
    await applyTransition(deps, ctx, locked, {
      action: "complete",
      to: "in_progress",
      patch: { reviewPending: true, result },
      data: { result, review: "requested" },
      messages: async (t, request) =>
        messageFor(ctx.trx, "task.review_requested", await peopleRecipients(ctx.trx, t.departmentId, ["head"]), request, t, {
          // A card with 确认办结 / 退回重办 (the mini-app's 待办 lists it too).
          text: `${ctx.actor.name} 提交了办结结果，请确认办结或退回重办：${result}`,
          result,
          submittedBy: ctx.actor.name,
        }),
    });
    return locked;
  }
  await applyTransition(deps, ctx, locked, {
    action: "complete",
    patch: { result, completedAt: deps.now(), reviewPending: false },
    data: { result },
    messages: (t, request) => completionMessages(ctx, locked, t, request, result),
  });
  return locked;
};

/**
 * In a joint request the lead completes last: every supporting part must be done. A part still open is waited
 * for; a part its department returned must first be resubmitted (or re-routed) by the requester, or assigned by
 * a supervisor, or the whole request withdrawn, so the merged answer never silently lacks a department.
 */
export async function assertSupportingSettled(ctx: CommandContext, locked: LockedTask): Promise<void> {
  const { task, request } = locked;
  if (task.role !== "lead") return;
  const others = locked.tasks.filter((t) => t.id !== task.id);
  const nameOf = async (t: TaskRow) => (await findDepartmentById(ctx.trx, t.departmentId)).name;
  const returned = others.filter((t) => t.state === "returned");
  if (returned.length > 0) {
    const names = await Promise.all(returned.map(nameOf));
    throw new DomainError(
      "supporting_returned",
      `协办部门 ${names.join("、")} 已退回其任务，主办部门暂不能办结。请发起人重新提交或改投其他部门（在小程序中打开 ${request.number}，点「重新提交」），` +
        `连续两个部门退回的由督查指定责任部门；如不再需要，可由发起人撤回整个事项。`,
      { example: `/查询 ${request.number}` },
    );
  }
  const open = others.filter((t) => isOpenState(t.state));
  if (open.length > 0) {
    const names = await Promise.all(open.map(nameOf));
    throw new DomainError("supporting_open", `主办部门需在协办部门全部办结后办结，尚未办结：${names.join("、")}。可先用 /催办 提醒协办部门。`);
  }
}

/** The other departments' results for the merged answer: "department: result", in task order. */
export async function departmentResults(db: Executor, tasks: TaskRow[], exceptTaskId: number): Promise<Array<{ department: string; result: string | null }>> {
  return Promise.all(
    tasks
      .filter((t) => t.id !== exceptTaskId && t.state === "completed" && t.result)
      .map(async (t) => ({ department: (await findDepartmentById(db, t.departmentId)).name, result: t.result })),
  );
}

/** Who hears of a completed task: the lead's handler for a supporting part; the requester for the rest. */
export async function completionMessages(ctx: CommandContext, locked: LockedTask, task: TaskRow, request: RequestRow, result: string) {
  const lead = locked.tasks.find((t) => t.role === "lead");
  if (task.role === "supporting" && lead && isOpenState(lead.state)) {
    const dept = await findDepartmentById(ctx.trx, task.departmentId);
    const to = lead.assigneeId !== null ? [await userRecipient(ctx.trx, lead.assigneeId)] : await peopleRecipients(ctx.trx, lead.departmentId, ["dispatcher", "head"]);
    return messageFor(ctx.trx, "task.supporting_completed", to, request, task, { text: `协办部门 ${dept.name} 已办结：${result}`, result });
  }
  const parts = await departmentResults(ctx.trx, locked.tasks, task.id);
  return messageFor(ctx.trx, "task.completed", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
    text: `您的协同事项已办结：${result}`,
    result,
    supportingResults: parts,
    cardKey: `task:${task.id}:completion`,
  });
}
