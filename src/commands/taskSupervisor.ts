import { openSupervision } from "../db/repositories/supervisions";
import type { OutgoingMessage } from "../db/repositories/outbox";
import type { RequestRow, TaskRow } from "../db/tables";
import { actionExample } from "../domain/taskTransitions";
import { actorName, actorUserId } from "../policies/actor";
import type { Command, CommandContext } from "./context";
import { requireText } from "./inputs";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface SuperviseInput {
  task: TaskRef;
  instruction: string;
}

export interface SuperviseResult extends LockedTask {
  /** true: this opened the 督办; false: the instruction was added to the one already open */
  opened: boolean;
  instructions: number;
}

/**
 * 督办: a supervisor's instruction on an open task. Opens the task's 督办 (or adds the instruction to the open
 * one), audited, and tells the target head (with an urgent notice), the handler and the requesting head.
 */
export const taskSupervisor: Command<SuperviseInput, SuperviseResult> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "supervise");
  const instruction = requireText(input.instruction, "督办意见", actionExample("supervise", locked.request.number), 2000);
  const at = deps.now();
  const s = (await openSupervision(ctx.trx, {
    taskId: locked.task.id,
    requestId: locked.request.id,
    by: { id: actorUserId(ctx.actor), name: actorName(ctx.actor) },
    instruction,
    at,
  }))!;
  await applyTransition(deps, ctx, locked, {
    action: "supervise",
    authorized: true,
    data: { instruction, supervisionId: s.row.id, supervision: s.opened ? "opened" : "instruction_added" },
    messages: (t, request) => supervisionMessages(ctx, request, t, { topic: "task.supervised", instruction, urgent: true }),
  });
  return { ...locked, opened: s.opened, instructions: s.row.instructions.length };
};

/**
 * The 督办 card: to the target head(s) (with an urgent notice when `urgent`), the task's handler, and the heads of
 * the requesting department. Sensitive requests reach only those who may open them, with no title.
 */
export async function supervisionMessages(
  ctx: CommandContext,
  request: RequestRow,
  task: TaskRow,
  o: { topic: string; instruction: string; urgent: boolean; requesterHeads?: boolean },
): Promise<OutgoingMessage[]> {
  const heads = await peopleRecipients(ctx.trx, task.departmentId, ["head"]);
  const handler = task.assigneeId !== null ? [await userRecipient(ctx.trx, task.assigneeId)] : [];
  const origin = o.requesterHeads === false ? [] : await peopleRecipients(ctx.trx, request.fromDepartmentId, ["head"]);
  const seen = new Set<string>();
  const to = [...heads, ...handler, ...origin].filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  const headIds = new Set(heads.map((h) => h.id));
  const messages = await messageFor(ctx.trx, o.topic, to, request, task, {
    text: o.instruction,
    instruction: o.instruction,
    supervisor: actorName(ctx.actor),
  });
  return messages.map((m) => ({ ...m, payload: { ...m.payload, audience: headIds.has(m.to.id) ? "targetHead" : "other" }, urgent: o.urgent && headIds.has(m.to.id) ? [m.to.id] : null }));
}
