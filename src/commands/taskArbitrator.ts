import { DomainError } from "../domain/types";
import { findDepartmentByCode } from "../db/repositories/org";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { announceTask, messageFor, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ArbitrateInput {
  task: TaskRef;
  /** the department supervisors name as responsible */
  department: string;
  comment: string;
}

/** 指定: supervisors name the responsible department for a task two departments in a row refused; it can no longer be returned. */
export const taskArbitrator: Command<ArbitrateInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "arbitrate");
  const comment = requireText(input.comment, "指定说明", "依据三定方案，企业欠税核查由市税务局负责");
  const target = await findDepartmentByCode(ctx.trx, input.department);
  if (!target || !target.active) throw new DomainError("unknown_department", `找不到部门 ${input.department}。`);
  await applyTransition(deps, ctx, locked, {
    action: "arbitrate",
    patch: { departmentId: target.id, arbitrationPending: false, arbitrated: true, notOursStreak: 0, assigneeId: null, acceptedAt: null },
    data: { department: target.code, comment },
    messages: async (task, request) => [
      ...(await announceTask(ctx.trx, request, task, `督查指定由本部门办理（不可退回）：${comment}`)),
      ...(await messageFor(ctx.trx, "task.arbitrated", [await userRecipient(ctx.trx, request.requesterId)], request, task, {
        text: `督查已指定 ${target.name} 办理您的协同事项：${comment}`,
      })),
    ],
  });
  return locked;
};
