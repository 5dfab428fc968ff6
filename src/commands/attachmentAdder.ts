import { appendAudit, requestChain } from "../db/repositories/audit";
import { insertAttachment } from "../db/repositories/attachments";
import { enqueueMessages } from "../db/repositories/outbox";
import type { AttachedTo, AttachmentRow } from "../db/tables";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import { authorize, can } from "../policies/task";
import { formatBytes } from "../storage/fileKind";
import type { Command } from "./context";
import { departmentRecipients, messageFor, userRecipient } from "./notifications";
import { lockRequest, lockRequestByNumber } from "./taskStep";

export interface AttachmentInput {
  request: { requestNumber: string } | { requestId: number };
  /** the task a 补正, 办结 or 整改 answer belongs to */
  taskId?: number | null;
  attachedTo: AttachedTo;
  /** already stored (src/storage) and checked by content (src/storage/fileKind.ts) */
  file: { name: string; size: number; mime: string; sha256: string };
  source: "chat" | "miniapp" | "api";
  /** tell the other side (a file on its own); an action carrying files announces them itself */
  notify?: boolean;
}

/**
 * 附件: records a stored file on a request, with its audit record (and, for a file on its own, a notice to the
 * other side), in one transaction. Who may attach is who may comment (补充): the participants of the request.
 */
export const attachmentAdder: Command<AttachmentInput, { attachment: AttachmentRow; number: string }> = async (deps, ctx, input) => {
  const requestId = "requestId" in input.request ? input.request.requestId : (await lockRequestByNumber(ctx, input.request.requestNumber)).id;
  // lockRequest answers "not found" to someone who may not see the request, exactly as if it did not exist.
  const { request, tasks } = await lockRequest(ctx, requestId);
  if (!tasks.some((task) => can(ctx.actor, "comment", { request, task }))) authorize(ctx.actor, "comment", { request, task: tasks[0]! }, request.number);
  const uploaderId = actorUserId(ctx.actor);
  if (uploaderId === null) throw new DomainError("forbidden", "只有登记在册的人员可以上传附件。");
  const taskId = input.taskId ?? null;
  if (taskId !== null && !tasks.some((t) => t.id === taskId)) throw new DomainError("not_found", `协同事项 ${request.number} 没有任务 ${taskId}。`);
  const at = deps.now();
  const attachment = await insertAttachment(ctx.trx, { requestId: request.id, taskId, attachedTo: input.attachedTo, uploaderId, ...input.file, source: input.source, at });
  await appendAudit(ctx.trx, {
    chain: requestChain(request.id),
    requestId: request.id,
    taskId,
    actorId: uploaderId,
    actorName: ctx.actor.name,
    action: "attachment.add",
    data: { attachmentId: attachment.id, attachedTo: input.attachedTo, name: attachment.name, size: attachment.size, mime: attachment.mime, sha256: attachment.sha256, source: input.source },
    at,
  });
  if (input.notify) {
    const isRequester = ctx.actor.kind === "user" && ctx.actor.id === request.requesterId;
    const to = isRequester
      ? (
          await Promise.all(
            tasks
              .filter((t) => t.state !== "cancelled" && t.state !== "rejected")
              .map(async (t) => (t.assigneeId !== null ? [await userRecipient(ctx.trx, t.assigneeId)] : departmentRecipients(ctx.trx, t.departmentId))),
          )
        ).flat()
      : [await userRecipient(ctx.trx, request.requesterId)];
    // A sensitive request's files are never named in chat, only pointed to.
    const text =
      request.classification === "sensitive"
        ? `${ctx.actor.name} 上传了 1 个附件，请在小程序中查看。`
        : `${ctx.actor.name} 上传了附件「${attachment.name}」（${formatBytes(attachment.size)}），请在小程序中查看或下载。`;
    await enqueueMessages(ctx.trx, await messageFor(ctx.trx, "request.attached", to, request, null, { text }), at);
  }
  return { attachment, number: request.number };
};
