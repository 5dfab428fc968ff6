import { APPEAL_STATE_LABELS } from "../domain/rectification";
import { DomainError } from "../domain/types";
import type { Command } from "./context";
import { messageFor, peopleRecipients, userRecipient } from "./notifications";
import { applyTransition, lockTask, type LockedTask, type TaskRef } from "./taskStep";

export interface AppealDecisionInput {
  task: TaskRef;
  /** exclude: the rating no longer counts in any statistics; keep: it stands */
  decision: "exclude" | "keep";
  comment: string;
}

/** A supervisor decides an appeal: exclude the rating from statistics or keep it; the requester and the rated department's heads are told. */
export const appealDecider: Command<AppealDecisionInput, LockedTask> = async (deps, ctx, input) => {
  const locked = await lockTask(ctx, input.task, "decideAppeal");
  if (input.decision !== "exclude" && input.decision !== "keep") {
    throw new DomainError("invalid_decision", "裁定结果只能是 exclude（不计入统计）或 keep（维持评价）。", { example: '{"decision":"exclude","comment":"该评价针对的并非本部门"}' });
  }
  const comment = input.comment.trim();
  if (!comment) throw new DomainError("comment_required", "请写明裁定意见。", { example: '{"decision":"keep","comment":"评价有据，维持"}' });
  const at = deps.now();
  const state = input.decision === "exclude" ? "excluded" : "kept";
  await ctx.trx
    .updateTable("evaluations")
    .set({
      appealState: state,
      appealDecisionComment: comment,
      appealDecidedByName: ctx.actor.name,
      appealDecidedAt: at,
      ...(state === "excluded" ? { excludedAt: at, excludedBy: ctx.actor.name, exclusionReason: comment } : {}),
    })
    .where("taskId", "=", locked.task.id)
    .execute();
  await applyTransition(deps, ctx, locked, {
    action: "decideAppeal",
    data: { decision: input.decision, label: APPEAL_STATE_LABELS[state], comment },
    messages: async (t, request) => {
      const text = `督查 ${ctx.actor.name} 裁定评价申诉：${APPEAL_STATE_LABELS[state]}${request.classification === "sensitive" ? "" : `。意见：${comment}`}`;
      return messageFor(ctx.trx, "rating.appeal_decided", [await userRecipient(ctx.trx, request.requesterId), ...(await peopleRecipients(ctx.trx, t.departmentId, ["head"]))], request, t, { text });
    },
  });
  return locked;
};
