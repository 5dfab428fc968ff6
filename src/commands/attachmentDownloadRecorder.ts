import { appendAudit, requestChain } from "../db/repositories/audit";
import { findAttachment } from "../db/repositories/attachments";
import type { AttachmentRow } from "../db/tables";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";
import type { Command } from "./context";
import { lockRequest } from "./taskStep";

/**
 * A download, checked and recorded: the reader must be allowed to see the request (else "not found", as if the
 * file did not exist), and the audit trail keeps who took which file when.
 */
export const attachmentDownloadRecorder: Command<{ attachmentId: number }, AttachmentRow> = async (deps, ctx, input) => {
  const notFound = new DomainError("not_found", `找不到附件 ${input.attachmentId}，或您无权查看。`);
  const attachment = await findAttachment(ctx.trx, input.attachmentId);
  if (!attachment) throw notFound;
  try {
    await lockRequest(ctx, attachment.requestId);
  } catch (err) {
    if (err instanceof DomainError && err.code === "not_found") throw notFound;
    throw err;
  }
  await appendAudit(ctx.trx, {
    chain: requestChain(attachment.requestId),
    requestId: attachment.requestId,
    taskId: attachment.taskId,
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "attachment.download",
    data: { attachmentId: attachment.id, name: attachment.name, sha256: attachment.sha256 },
    at: deps.now(),
  });
  return attachment;
};
