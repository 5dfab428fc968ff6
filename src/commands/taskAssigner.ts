import { DomainError } from "../domain/types";
import type { Command } from "./context";
import { messageFor, userRecipient } from "./notifications";
import { handlerOf, type Assignee } from "./taskAccepter";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface AssignInput {
  task: TaskRef;
  assignee: Assignee;
}

/** 分办: the department's head or dispatcher names (or changes) the handler of a task it has accepted. */
export const taskAssigner: Command<AssignInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "assign");
  const assigneeId = await handlerOf(ctx, input.assignee, locked.task.departmentId, `在小程序中打开 ${locked.request.number}，点「指派经办人」，选择 `);
  const previous = locked.task.assigneeId;
  if (previous === assigneeId) throw new DomainError("already_done", "该任务已由此人经办，无需重新指派。");
  await applyTransition(deps, ctx, locked, {
    action: "assign",
    patch: { assigneeId },
    data: { from: previous, to: assigneeId },
    messages: async (task, request) => [
      ...(assigneeId !== (ctx.actor.kind === "user" ? ctx.actor.id : null)
        ? await messageFor(ctx.trx, "task.assigned", [await userRecipient(ctx.trx, assigneeId)], request, task, {
            text: `${ctx.actor.name} 将协同事项交给您办理，请在截止时间前办结。`,
          })
        : []),
      ...(previous !== null && previous !== assigneeId
        ? await messageFor(ctx.trx, "task.unassigned", [await userRecipient(ctx.trx, previous)], request, task, {
            text: `${ctx.actor.name} 已将该协同事项改由他人经办，您无需再办理。`,
          })
        : []),
    ],
  });
  return locked;
};
