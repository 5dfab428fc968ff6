import { enqueueMessages } from "../db/repositories/outbox";
import type { Command } from "./context";
import { requireText } from "./inputs";
import { announceTask, messageFor, peopleRecipients, userRecipient } from "./notifications";
import { applyTransition, assertMayAct, lockRequest, lockRequestByNumber, type LockedTask } from "./taskStep";

export interface ApprovalInput {
  request: { requestNumber: string } | { requestId: number };
  decision: "approve" | "reject";
  comment?: string | undefined;
}

/**
 * 审批: the requesting department's head lets a request leave (each task goes to its department's inbox)
 * or refuses it with a reason. All of the request's waiting tasks move together.
 */
export const requestApprover: Command<ApprovalInput, LockedTask> = async (deps, ctx, input) => {
  const requestId =
    "requestId" in input.request ? input.request.requestId : (await lockRequestByNumber(ctx, input.request.requestNumber)).id;
  const { request, tasks } = await lockRequest(ctx, requestId);
  const approve = input.decision === "approve";
  const waiting = tasks.filter((t) => t.state === "pending_approval");
  // With nothing waiting, the first task carries the refusal ("already approved by X"), after the role's.
  const locked: LockedTask = { request, task: waiting[0] ?? tasks[0]!, tasks };
  await assertMayAct(ctx, locked, approve ? "approve" : "reject");
  const comment = approve
    ? input.comment?.trim() || null
    : requireText(input.comment, "驳回理由", `/驳回 ${request.number} 请补充企业统一社会信用代码后再发起`);
  for (const task of waiting.length > 0 ? waiting : [tasks[0]!]) {
    locked.task = task;
    await applyTransition(deps, ctx, locked, {
      action: approve ? "approve" : "reject",
      data: comment ? { comment } : {},
      messages: async (moved, req) => (approve ? announceTask(ctx.trx, req, moved, "新的协同事项，请签收") : []),
    });
  }
  const text = approve
    ? `您发起的协同事项已由 ${ctx.actor.name} 审批同意，已发送至承办部门。`
    : `您发起的协同事项未通过审批（${ctx.actor.name}）：${comment}`;
  const targets = await ctx.trx
    .selectFrom("departments")
    .select("name")
    .where("id", "in", tasks.map((t) => t.departmentId))
    .execute();
  await enqueueMessages(
    ctx.trx,
    [
      ...(await messageFor(ctx.trx, approve ? "request.approved" : "request.rejected", [await userRecipient(ctx.trx, request.requesterId)], locked.request, null, {
        text,
        comment,
      })),
      // Every head who was asked sees the decision on the card they were asked with.
      ...(await messageFor(ctx.trx, "request.approval_card", await peopleRecipients(ctx.trx, request.fromDepartmentId, ["head"]), locked.request, null, {
        text,
        decidedBy: ctx.actor.name,
        targets: targets.map((t) => t.name),
        cardKey: `request:${request.id}:approval`,
      })),
    ],
    deps.now(),
  );
  return locked;
};
