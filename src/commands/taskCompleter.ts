import { isOpenState } from "../domain/taskTransitions";
import { DomainError } from "../domain/types";
import { findDepartmentById } from "../db/repositories/org";
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
  if (task.role === "lead") {
    const open = locked.tasks.filter((t) => t.id !== task.id && isOpenState(t.state));
    if (open.length > 0) {
      const names = await Promise.all(open.map(async (t) => (await findDepartmentById(ctx.trx, t.departmentId)).name));
      throw new DomainError("supporting_open", `主办部门需在协办部门全部办结后办结，尚未办结：${names.join("、")}。可先用 /催办 提醒协办部门。`);
    }
  }
  const headCompletes = hasDepartmentRole(ctx.actor, "head", task.departmentId);
  if (task.completionReview && !headCompletes) {
    await applyTransition(deps, ctx, locked, {
      action: "complete",
      to: "in_progress",
      patch: { reviewPending: true, result },
      data: { result, review: "requested" },
      messages: async (t, request) =>
        messageFor(ctx.trx, "task.review_requested", await peopleRecipients(ctx.trx, t.departmentId, ["head"]), request, t, {
          // A plain notice (the review itself is done in the mini-app), so no card to update later.
          text: `${ctx.actor.name} 提交了办结结果，请在小程序中确认办结或退回重办：${result}`,
          result,
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

/** Who hears of a completed task: the lead's handler for a supporting part; the requester for the rest. */
export async function completionMessages(ctx: CommandContext, locked: LockedTask, task: TaskRow, request: RequestRow, result: string) {
  const lead = locked.tasks.find((t) => t.role === "lead");
  if (task.role === "supporting" && lead && isOpenState(lead.state)) {
    const dept = await findDepartmentById(ctx.trx, task.departmentId);
    const to = lead.assigneeId !== null ? [await userRecipient(ctx.trx, lead.assigneeId)] : await peopleRecipients(ctx.trx, lead.departmentId, ["dispatcher", "head"]);
    return messageFor(ctx.trx, "task.supporting_completed", to, request, task, { text: `协办部门 ${dept.name} 已办结：${result}`, result });
  }
  const parts = await Promise.all(
    locked.tasks
      .filter((t) => t.id !== task.id && t.state === "completed" && t.result)
      .map(async (t) => ({ department: (await findDepartmentById(ctx.trx, t.departmentId)).name, result: t.result })),
  );
  return messageFor(ctx.trx, "task.completed", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
    text: `您的协同事项已办结：${result}`,
    result,
    supportingResults: parts,
    cardKey: `task:${task.id}:completion`,
  });
}
