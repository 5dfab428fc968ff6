import { isOpenState } from "../domain/taskTransitions";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { inboundCardKey, messageFor, departmentRecipients } from "./notifications";
import { applyTransition, assertMayAct, lockRequest, lockRequestByNumber, type LockedTask } from "./taskStep";

export interface WithdrawInput {
  request: { requestNumber: string } | { requestId: number };
  reason: string;
}

/** 撤回: the requester cancels the request before completion; every unfinished task is cancelled. */
export const requestWithdrawer: Command<WithdrawInput, LockedTask> = async (deps, ctx, input) => {
  const requestId =
    "requestId" in input.request ? input.request.requestId : (await lockRequestByNumber(ctx, input.request.requestNumber)).id;
  const { request, tasks } = await lockRequest(ctx, requestId);
  const unfinished = tasks.filter((t) => isOpenState(t.state) || t.state === "returned");
  const locked: LockedTask = { request, task: unfinished[0] ?? tasks[0]!, tasks };
  await assertMayAct(ctx, locked, "withdraw");
  const reason = requireText(input.reason, "撤回原因", `/撤回 ${request.number} 企业已自行提交材料，无需核查`);
  for (const task of unfinished.length > 0 ? unfinished : [tasks[0]!]) {
    locked.task = task;
    const wasAnnounced = task.state !== "pending_approval";
    await applyTransition(deps, ctx, locked, {
      action: "withdraw",
      patch: { pausedAt: null },
      data: { reason },
      messages: async (t, req) =>
        wasAnnounced
          ? messageFor(ctx.trx, "task.withdrawn", await departmentRecipients(ctx.trx, t.departmentId), req, t, {
              text: `发起人已撤回该协同事项：${reason}`,
              reason,
              cardKey: inboundCardKey(t.id),
            })
          : [],
    });
  }
  return locked;
};
