import { DomainError } from "../domain/types";
import { findDepartmentByCode } from "../db/repositories/org";
import type { Command } from "./context";
import { announceTask } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface ResubmitInput {
  task: TaskRef;
  /** send it to another department this time (department code); omitted = the same one */
  toDepartment?: string | undefined;
  /** what the requester changed or adds */
  note?: string | undefined;
}

/**
 * A returned task, revised by the requester, goes back to be accepted. Sending it to another department
 * keeps the count of departments that refused it in a row; the same department starts that count afresh.
 */
export const requestResubmitter: Command<ResubmitInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "resubmit");
  let departmentId = locked.task.departmentId;
  if (input.toDepartment) {
    const d = await findDepartmentByCode(ctx.trx, input.toDepartment);
    if (!d || !d.active) throw new DomainError("unknown_department", `找不到部门 ${input.toDepartment}。`);
    if (locked.tasks.some((t) => t.id !== locked.task.id && t.departmentId === d.id)) {
      throw new DomainError("duplicate_department", `${d.name} 已在承办该事项。`);
    }
    departmentId = d.id;
  }
  const sameDepartment = departmentId === locked.task.departmentId;
  const note = input.note?.trim() || null;
  await applyTransition(deps, ctx, locked, {
    action: "resubmit",
    patch: { departmentId, notOursStreak: sameDepartment ? 0 : locked.task.notOursStreak, assigneeId: null, acceptedAt: null },
    data: { note, toDepartment: input.toDepartment ?? null },
    messages: (t, request) => announceTask(ctx.trx, request, t, note ? `发起人修改后重新提交：${note}` : "发起人重新提交了协同事项，请签收"),
  });
  return locked;
};
