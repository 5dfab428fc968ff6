import type { AttachmentListItem } from "../db/repositories/attachments";

/** An attachment as the API shows it; `url` downloads it (the reader's visibility is checked there again). */
export function presentAttachment(a: AttachmentListItem) {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    mime: a.mime,
    sha256: a.sha256.trim(),
    attachedTo: a.attachedTo,
    taskId: a.taskId,
    uploader: a.uploaderName,
    source: a.source,
    createdAt: new Date(a.createdAt).toISOString(),
    url: `/api/attachments/${a.id}`,
    /** images and PDFs may be shown in the page (still nosniff) */
    previewable: PREVIEWABLE.has(a.mime),
  };
}

export const PREVIEWABLE = new Set(["image/jpeg", "image/png", "application/pdf"]);
