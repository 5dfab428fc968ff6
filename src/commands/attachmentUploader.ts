import { requestDetail } from "../db/repositories/views";
import type { AttachedTo, AttachmentRow } from "../db/tables";
import { DomainError } from "../domain/types";
import type { Actor } from "../policies/actor";
import { createStorage, TooLarge, type Storage } from "../storage";
import { checkFileKind, formatBytes, HEAD_BYTES } from "../storage/fileKind";
import { peekHead } from "../storage/storage";
import { attachmentAdder } from "./attachmentAdder";
import { runCommand, type Deps } from "./context";

/** The storage of these deps (built from the configuration once and kept). */
export function storageOf(deps: Deps): Storage {
  return (deps.storage ??= createStorage(deps.config));
}

export interface UploadInput {
  requestNumber: string;
  taskId?: number | null;
  attachedTo: AttachedTo;
  name: string;
  body: ReadableStream<Uint8Array>;
  /** the size announced (Content-Length, the platform's), checked before reading when known */
  declaredSize?: number | null;
  source: "chat" | "miniapp" | "api";
  notify?: boolean;
}

export const tooLarge = (name: string, max: number) =>
  new DomainError("too_large", `「${name}」超过了单个附件 ${formatBytes(max)} 的上限，请压缩或拆分后再上传。`, { example: "把扫描件另存为较低分辨率的 PDF，或分成多个文件" });

/**
 * One file from a person onto a request: visibility first (a person who may not see the request learns nothing
 * and sends nothing to storage), then the type by content, then the bytes streamed into storage, then the row and
 * its audit record in one transaction (attachmentAdder). Storage is written outside the transaction: bytes
 * whose row never commits are only an unreferenced blob at their content address.
 */
export async function uploadAttachment(deps: Deps, actor: Actor, input: UploadInput): Promise<{ attachment: AttachmentRow; number: string }> {
  const max = deps.config.attachmentMaxBytes;
  const visible = await requestDetail(deps.db.kysely, actor, input.requestNumber.trim().toUpperCase());
  if (!visible) {
    await input.body.cancel().catch(() => undefined);
    throw new DomainError("not_found", `找不到编号为 ${input.requestNumber} 的协同事项，或您无权查看。`, { example: "XT-2026-000001" });
  }
  if (input.declaredSize != null && input.declaredSize > max) {
    await input.body.cancel().catch(() => undefined);
    throw tooLarge(input.name, max);
  }
  const { head, body } = await peekHead(input.body, HEAD_BYTES);
  let checked;
  try {
    checked = await checkFileKind(input.name, head);
  } catch (err) {
    await body.cancel().catch(() => undefined);
    throw err;
  }
  let stored;
  try {
    stored = await storageOf(deps).put(body, { maxBytes: max });
  } catch (err) {
    if (err instanceof TooLarge) throw tooLarge(checked.name, max);
    throw err;
  }
  return runCommand(deps, actor, attachmentAdder, {
    request: { requestId: visible.id },
    taskId: input.taskId ?? null,
    attachedTo: input.attachedTo,
    file: { name: checked.name, size: stored.size, mime: checked.mime, sha256: stored.sha256 },
    source: input.source,
    notify: input.notify ?? false,
  });
}
