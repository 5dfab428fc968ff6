import { MAX_TRANSFERS_WITHOUT_ADMIN } from "../domain/taskTransitions";
import { DomainError } from "../domain/types";
import { resolveDepartmentOrThrow } from "../domain/departmentResolver";
import { findDepartmentByCode, findDepartmentById, listDepartments, toDepartmentRef } from "../db/repositories/org";
import { hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { announceTask, messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface TransferInput {
  task: TaskRef;
  /** the department that really owns the task: its code, or (from chat) its name, alias or a fragment */
  toDepartment: string;
  reason: string;
}

/**
 * 转办: the department hands a misrouted task to the one that owns it. The task waits to be accepted there;
 * the move from -> to is recorded. More than three transfers need an admin.
 */
export const taskTransferrer: Command<TransferInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "transfer");
  const example = `/转办 ${locked.request.number} @市税务局 涉及欠税核查，属税务部门职责`;
  const reason = requireText(input.reason, "转办原因", example);
  // Named only after the role and state checks, so a person who may not transfer is told that first.
  const byCode = await findDepartmentByCode(ctx.trx, input.toDepartment);
  const target = byCode?.active
    ? byCode
    : await findDepartmentByCode(ctx.trx, resolveDepartmentOrThrow(input.toDepartment, (await listDepartments(ctx.trx)).map(toDepartmentRef)).code);
  if (!target || !target.active) throw new DomainError("unknown_department", `找不到部门 ${input.toDepartment}。`, { example });
  const from = await findDepartmentById(ctx.trx, locked.task.departmentId);
  if (target.id === from.id) throw new DomainError("same_department", "不能转办给本部门。", { example });
  if (locked.tasks.some((t) => t.id !== locked.task.id && t.departmentId === target.id)) {
    throw new DomainError("duplicate_department", `${target.name} 已在承办该事项，不能重复转办给它。`, { example });
  }
  if (locked.task.transferCount >= MAX_TRANSFERS_WITHOUT_ADMIN && !hasGlobalRole(ctx.actor, "admin")) {
    throw new DomainError(
      "transfer_limit",
      `该任务已转办 ${locked.task.transferCount} 次，超过 ${MAX_TRANSFERS_WITHOUT_ADMIN} 次后需由管理员转办，请联系管理员或督查。`,
    );
  }
  await applyTransition(deps, ctx, locked, {
    action: "transfer",
    patch: {
      departmentId: target.id,
      assigneeId: null,
      acceptedAt: null,
      transferCount: locked.task.transferCount + 1,
      notOursStreak: locked.task.notOursStreak + 1,
      lastReason: reason,
    },
    data: { fromDepartment: from.code, toDepartment: target.code, reason },
    messages: async (task, request) => [
      ...(await announceTask(ctx.trx, request, task, `${from.name} 转办来的协同事项，请签收。转办原因：${reason}`)),
      ...(await messageFor(ctx.trx, "task.transferred", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
        text: `您的协同事项已由 ${from.name} 转办至 ${target.name}：${reason}`,
        fromDepartmentName: from.name,
        reason,
      })),
    ],
  });
  return locked;
};
