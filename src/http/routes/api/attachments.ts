import { Hono } from "hono";
import { z } from "zod";
import { attachmentDownloadRecorder } from "../../../commands/attachmentDownloadRecorder";
import { storageOf, uploadAttachment } from "../../../commands/attachmentUploader";
import { runCommand } from "../../../commands/context";
import { attachmentsOfRequest } from "../../../db/repositories/attachments";
import { requestDetail } from "../../../db/repositories/views";
import { ATTACHED_TO } from "../../../db/tables";
import { presentAttachment, PREVIEWABLE } from "../../../presenters/attachment";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";
import { AttachmentListSchema, AttachmentSchema } from "../../schemas";
import { describe, idParam, pathParams, queryParams } from "../../validation";

// 附件: upload (the raw body, streamed into storage), list, download. Every route answers 404 to a person who may
// not see the request, exactly as for a request that does not exist.

const auth = sessionAuth();
const UPLOAD_EXAMPLE = "/api/requests/XT-2026-000001/attachments?name=营业执照.pdf";

const uploadQuery = z.object({
  name: z.string({ message: "请用 name 参数给出文件名，例如 ?name=营业执照.pdf" }).trim().min(1, "请用 name 参数给出文件名，例如 ?name=营业执照.pdf").max(255, "文件名最长 255 个字符").meta({ description: "文件名，如 营业执照.pdf" }),
  attachedTo: z.enum(ATTACHED_TO, { message: `attachedTo 只能是 ${ATTACHED_TO.join("、")}` }).default("request").meta({ description: "附在何处：request（默认）、comment 补充、info_supply 补正、completion 办结结果、rectification 整改" }),
  taskId: idParam.optional().meta({ description: "补正、办结、整改的附件：所属任务 id" }),
});

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name, so 营业执照.pdf arrives as itself. */
export function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const attachmentRoutes = new Hono<AppEnv>()
  .post(
    "/requests/:number/attachments",
    describe({
      tag: "附件",
      auth: "session",
      summary: "上传附件",
      description:
        "请求体即文件内容（任意 Content-Type，流式写入存储），文件名放在 name 参数中。按内容检查类型：只接受 PDF、OFD、Word、Excel、JPG/PNG、ZIP、TXT，扩展名须与内容相符；单个文件默认不超过 50 MB（413）；类型不符 415。无权查看该事项与事项不存在相同（404）。",
      params: { number: "事项编号，如 XT-2026-000001" },
      responses: { 201: { description: "已上传", schema: AttachmentSchema } },
    }),
    auth,
    queryParams(uploadQuery, UPLOAD_EXAMPLE),
    async (c) => {
      const q = c.req.valid("query");
      const deps = c.get("deps");
      const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
      const length = Number(c.req.header("content-length") ?? NaN);
      const r = await uploadAttachment(deps, c.get("actor"), {
        requestNumber: c.req.param("number"),
        taskId: q.taskId ?? null,
        attachedTo: q.attachedTo,
        name: q.name,
        body,
        declaredSize: Number.isFinite(length) ? length : null,
        source: c.req.header("authorization") ? "api" : "miniapp",
        notify: q.attachedTo === "request",
      });
      return c.json(presentAttachment({ ...r.attachment, uploaderName: (c.get("actor") as { name: string }).name }), 201);
    },
  )
  .get(
    "/requests/:number/attachments",
    describe({
      tag: "附件",
      auth: "session",
      summary: "事项的附件",
      description: "事项及其补充、补正、办结结果、整改所附的全部文件，先传的在前。",
      params: { number: "事项编号，如 XT-2026-000001" },
      responses: { 200: { description: "附件列表", schema: AttachmentListSchema } },
    }),
    auth,
    async (c) => {
      const db = c.get("deps").db.kysely;
      const d = await requestDetail(db, c.get("actor"), c.req.param("number"));
      if (!d) return c.json(errorBody("not_found", `找不到协同事项 ${c.req.param("number")}。`), 404);
      return c.json({ items: (await attachmentsOfRequest(db, d.id)).map(presentAttachment) });
    },
  )
  .get(
    "/attachments/:id{[0-9]+}",
    describe({
      tag: "附件",
      auth: "session",
      summary: "下载附件",
      description: "以 Content-Disposition: attachment 下载（文件名按 RFC 5987 编码）；图片与 PDF 加 ?inline=1 可在页面中预览。每次下载记入留痕。无权查看该事项时 404。",
      params: { id: "附件 id" },
      responses: { 200: { description: "文件内容" } },
    }),
    auth,
    pathParams(z.object({ id: idParam }), "/api/attachments/42"),
    async (c) => {
      const deps = c.get("deps");
      const a = await runCommand(deps, c.get("actor"), attachmentDownloadRecorder, { attachmentId: c.req.valid("param").id });
      const body = await storageOf(deps).get(a.sha256.trim());
      if (!body) return c.json(errorBody("not_found", `附件「${a.name}」的文件已不在存储中，请联系管理员。`), 404);
      const inline = c.req.query("inline") === "1" && PREVIEWABLE.has(a.mime);
      return new Response(body, {
        headers: {
          "content-type": inline || a.mime.startsWith("text/") ? a.mime : "application/octet-stream",
          "content-length": String(a.size),
          "content-disposition": contentDisposition(inline ? "inline" : "attachment", a.name),
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; plugin-types application/pdf; sandbox",
          "cache-control": "private, no-store",
        },
      });
    },
  );
