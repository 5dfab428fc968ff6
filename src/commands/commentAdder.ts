import { appendAudit, requestChain } from "../db/repositories/audit";
import { insertComment } from "../db/repositories/comments";
import { enqueueMessages } from "../db/repositories/outbox";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import { authorize, can } from "../policies/task";
import { canView } from "../policies/visibility";
import type { Command, CommandContext } from "./context";
import { requireText } from "./inputs";
import { departmentRecipients, messageFor, userRecipient } from "./notifications";
import { infoSupplier } from "./infoSupplier";
import { lockRequest, lockRequestByNumber, NUMBER_EXAMPLE } from "./taskStep";

export interface CommentInput {
  requestNumber: string;
  body: string;
}

/**
 * 补充: adds information or a comment to a request. When the request waits for the requester's 补正, the
 * requester's /补充 answers it (see infoSupplier); this is the plain comment.
 */
export const commentAdder: Command<CommentInput, { commentId: number }> = async (deps, ctx, input) => {
  const { request, tasks } = await lockRequest(ctx, (await lockRequestByNumber(ctx, input.requestNumber)).id);
  // Someone who may not see the request is told exactly what they would be told if it did not exist.
  if (!canView(ctx.actor, request, tasks)) {
    throw new DomainError("not_found", `找不到编号为 ${input.requestNumber} 的协同事项，请检查编号。`, { example: `/查询 ${NUMBER_EXAMPLE}` });
  }
  if (!tasks.some((task) => can(ctx.actor, "comment", { request, task }))) authorize(ctx.actor, "comment", { request, task: tasks[0]! }, request.number);
  const body = requireText(input.body, "补充内容", `/补充 ${request.number} 企业联系人电话 0571-8888xxxx`);
  const isRequester = ctx.actor.kind === "user" && ctx.actor.id === request.requesterId;
  const waiting = tasks.filter((t) => t.state === "awaiting_info");
  if (isRequester && waiting.length > 0) {
    // The requester's /补充 while departments wait for material answers them and restarts their clocks.
    let commentId = 0;
    for (const t of waiting) {
      await infoSupplier(deps, ctx, { task: { taskId: t.id }, content: body });
      commentId = Math.max(commentId, await lastCommentId(ctx, request.id));
    }
    return { commentId };
  }
  const at = deps.now();
  const commentId = await addComment(ctx, request.id, null, "comment", body, at);
  await appendAudit(ctx.trx, {
    chain: requestChain(request.id),
    requestId: request.id,
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "comment",
    data: { commentId, body },
    at,
  });
  // The requester hears from the departments; the departments hear from the requester.
  const to = isRequester
    ? (
        await Promise.all(
          tasks
            .filter((t) => t.state !== "cancelled" && t.state !== "rejected")
            .map(async (t) => (t.assigneeId !== null ? [await userRecipient(ctx.trx, t.assigneeId)] : departmentRecipients(ctx.trx, t.departmentId))),
        )
      ).flat()
    : [await userRecipient(ctx.trx, request.requesterId)];
  // Chat shows no content of a sensitive request, a comment on it included.
  const said = request.classification === "sensitive" ? { text: `${ctx.actor.name} 补充了说明，请在小程序中查看。` } : { text: `${ctx.actor.name} 补充说明：${body}`, body };
  await enqueueMessages(ctx.trx, await messageFor(ctx.trx, "request.commented", to, request, null, said), at);
  return { commentId };
};

/** A comment by the acting person (only people write comments). */
export async function addComment(
  ctx: CommandContext,
  requestId: number,
  taskId: number | null,
  kind: "comment" | "info_request" | "info_supply",
  body: string,
  at: Date,
): Promise<number> {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "只有登记在册的人员可以留言。");
  return insertComment(ctx.trx, { requestId, taskId, authorId: ctx.actor.id, kind, body, at });
}

async function lastCommentId(ctx: CommandContext, requestId: number): Promise<number> {
  const row = await ctx.trx.selectFrom("comments").select("id").where("requestId", "=", requestId).orderBy("id", "desc").limit(1).executeTakeFirst();
  return row?.id ?? 0;
}
