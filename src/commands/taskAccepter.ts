import { DomainError } from "../domain/types";
import { hasDepartmentRole } from "../policies/actor";
import { loadUserActor } from "../db/repositories/org";
import type { Command, CommandContext } from "./context";
import { messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface AcceptInput {
  task: TaskRef;
  /** the handler who will work on it; defaults to the accepting person when they are a handler, else nobody yet */
  assignee?: { openId: string } | { userId: number } | undefined;
}

/** 签收: the target department takes the task and names its handler. */
export const taskAccepter: Command<AcceptInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "accept");
  const deptId = locked.task.departmentId;
  let assigneeId: number | null = null;
  if (input.assignee) {
    assigneeId = await handlerOf(ctx, input.assignee, deptId);
  } else if (ctx.actor.kind === "user" && hasDepartmentRole(ctx.actor, "handler", deptId)) {
    // A handler accepting takes the work; a head or dispatcher accepting leaves it to any handler until assigned.
    assigneeId = ctx.actor.id;
  }
  await applyTransition(deps, ctx, locked, {
    action: "accept",
    patch: { assigneeId, acceptedAt: deps.now(), notOursStreak: 0 },
    data: { assigneeId },
    messages: async (task, request) => {
      const toRequester = await messageFor(ctx.trx, "task.accepted", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
        text: `您的协同事项已被签收（${ctx.actor.name}），正在办理。`,
      });
      const toAssignee =
        assigneeId !== null && assigneeId !== (ctx.actor.kind === "user" ? ctx.actor.id : null)
          ? await messageFor(ctx.trx, "task.assigned", [await userRecipient(ctx.trx, assigneeId)], request, task, {
              text: `${ctx.actor.name} 将协同事项交给您办理，请在截止时间前办结。`,
            })
          : [];
      return [...toRequester, ...toAssignee];
    },
  });
  return locked;
};

/** The person named as handler, who must be a handler or the head of the task's department. */
export async function handlerOf(ctx: CommandContext, who: { openId: string } | { userId: number }, departmentId: number): Promise<number> {
  const person = await loadUserActor(ctx.trx, "openId" in who ? { openId: who.openId } : { id: who.userId });
  if (!person || !(hasDepartmentRole(person, "handler", departmentId) || hasDepartmentRole(person, "head", departmentId))) {
    throw new DomainError("invalid_assignee", "指定的经办人不是本部门的经办人或负责人，请重新选择。");
  }
  return person.id;
}
