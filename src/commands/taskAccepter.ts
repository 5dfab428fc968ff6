import { ASSIGNMENT_MODE_LABELS, pickAssignee, type AssignmentMode } from "../domain/assignment";
import { DomainError } from "../domain/types";
import { availableHandlers } from "../db/repositories/assignment";
import { hasDepartmentRole } from "../policies/actor";
import { findDepartmentById, loadUserActor, usersWithRole } from "../db/repositories/org";
import type { Command, CommandContext } from "./context";
import { messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface AcceptInput {
  task: TaskRef;
  /**
   * the handler who will work on it (a name as typed in chat after "@" when it was not a real mention);
   * defaults to the accepting person when they are a handler, else nobody yet
   */
  assignee?: Assignee | undefined;
}

/** 签收: the target department takes the task and names its handler. */
export const taskAccepter: Command<AcceptInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "accept");
  const deptId = locked.task.departmentId;
  let assigneeId: number | null = null;
  let auto: AssignmentMode | null = null;
  if (input.assignee) {
    assigneeId = await handlerOf(ctx, input.assignee, deptId, `/签收 ${locked.request.number} @`);
  } else if (ctx.actor.kind === "user" && hasDepartmentRole(ctx.actor, "handler", deptId)) {
    // A handler accepting takes the work; a head or dispatcher accepting leaves it to the department's
    // auto-assignment, or to any handler until assigned.
    assigneeId = ctx.actor.id;
  } else {
    const dept = await ctx.trx.selectFrom("departments").select(["assignmentMode", "lastAssignedUserId"]).where("id", "=", deptId).forUpdate().executeTakeFirstOrThrow();
    assigneeId = pickAssignee(dept.assignmentMode, await availableHandlers(ctx.trx, deptId, deps.now()), dept.lastAssignedUserId);
    if (assigneeId !== null) {
      auto = dept.assignmentMode;
      await ctx.trx.updateTable("departments").set({ lastAssignedUserId: assigneeId }).where("id", "=", deptId).execute();
    }
  }
  await applyTransition(deps, ctx, locked, {
    action: "accept",
    patch: { assigneeId, acceptedAt: deps.now(), notOursStreak: 0 },
    data: auto ? { assigneeId, autoAssigned: auto } : { assigneeId },
    messages: async (task, request) => {
      const toRequester = await messageFor(ctx.trx, "task.accepted", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
        text: `您的协同事项已被签收（${ctx.actor.name}），正在办理。`,
      });
      const toAssignee =
        assigneeId !== null && assigneeId !== (ctx.actor.kind === "user" ? ctx.actor.id : null)
          ? await messageFor(ctx.trx, "task.assigned", [await userRecipient(ctx.trx, assigneeId)], request, task, {
              text: auto
                ? `协同事项已签收（${ctx.actor.name}），按本部门${ASSIGNMENT_MODE_LABELS[auto]}规则由您办理，请在截止时间前办结。`
                : `${ctx.actor.name} 将协同事项交给您办理，请在截止时间前办结。`,
            })
          : [];
      return [...toRequester, ...toAssignee];
    },
  });
  return locked;
};

export type Assignee = { openId: string } | { userId: number } | { name: string };

/**
 * The person named as handler, who must be a handler or the head of the task's department. Anyone else, or a
 * name nobody there has, is refused with the people who can be named (`example` ends where a name goes).
 */
export async function handlerOf(ctx: CommandContext, who: Assignee, departmentId: number, example: string): Promise<number> {
  const handlers = await usersWithRole(ctx.trx, departmentId, ["handler"]);
  const heads = (await usersWithRole(ctx.trx, departmentId, ["head"])).filter((p) => !handlers.some((x) => x.id === p.id));
  const eligible = [...handlers, ...heads];
  const person =
    "name" in who
      ? eligible.find((p) => p.name === who.name.trim())
      : await loadUserActor(ctx.trx, "openId" in who ? { openId: who.openId } : { id: who.userId });
  if (person && eligible.some((p) => p.id === person.id)) return person.id;
  const dept = await findDepartmentById(ctx.trx, departmentId);
  const names = eligible.map((p) => p.name);
  const refusal =
    "name" in who
      ? `${dept.name}没有名为「${who.name.trim()}」的经办人或负责人。`
      : `${person?.name ?? "指定的人"}不是${dept.name}的经办人或负责人，不能指定为经办人。`;
  throw new DomainError("invalid_assignee", `${refusal}${names.length ? `可以指定：${names.join("、")}。` : "该部门尚未登记经办人，请联系管理员。"}`, {
    example: `${example}${names[0] ?? "经办人姓名"}`,
  });
}
