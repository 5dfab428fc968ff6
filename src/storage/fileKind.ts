import { fileTypeFromBuffer } from "file-type/core";
import { DomainError } from "../domain/types";

/** How many leading bytes the type check reads (file-type needs at most this many for the kinds we allow). */
export const HEAD_BYTES = 4100;

export const ALLOWED_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip", "txt"] as const;

/** What the content says (file-type's ext, or "text") -> the file names it may carry, and the type we record. */
const BY_CONTENT: Record<string, { exts: string[]; mime: (ext: string) => string }> = {
  pdf: { exts: ["pdf"], mime: () => "application/pdf" },
  cfb: { exts: ["doc", "xls"], mime: (e) => (e === "doc" ? "application/msword" : "application/vnd.ms-excel") },
  docx: { exts: ["docx"], mime: () => "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  xlsx: { exts: ["xlsx"], mime: () => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  // OFD (the national e-document format) and, read from the head only, some Office files are zip containers.
  zip: {
    exts: ["zip", "ofd", "docx", "xlsx"],
    mime: (e) =>
      ({
        ofd: "application/ofd",
        docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      })[e] ?? "application/zip",
  },
  jpg: { exts: ["jpg", "jpeg"], mime: () => "image/jpeg" },
  png: { exts: ["png"], mime: () => "image/png" },
  text: { exts: ["txt"], mime: () => "text/plain; charset=utf-8" },
};

export const ALLOWED_WORDS = "PDF、OFD、Word（doc/docx）、Excel（xls/xlsx）、JPG/PNG 图片、ZIP 压缩包、TXT 文本";

/**
 * A file name as we keep and send it: no folders, no control or reserved characters, at most 100 characters
 * (the extension kept); an empty name becomes 附件.
 */
export function sanitizeFileName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  let name = (raw.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, "").replace(/\s+/g, " ");
  name = name.replace(/^[.\s]+|[.\s]+$/g, "");
  if (!name) return "附件";
  const chars = [...name];
  if (chars.length <= 100) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  return [...name.slice(0, name.length - ext.length)].slice(0, 100 - [...ext].length).join("") + ext;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Plain text: valid UTF-8 (a cut last character allowed) with no NUL and no other binary control bytes. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.byteLength === 0) return true;
  // eslint-disable-next-line no-control-regex
  if (head.some((b) => b === 0 || (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27))) return false;
  try {
    // stream: a character cut at the end of the head is not an error
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export interface CheckedFile {
  name: string;
  mime: string;
}

/**
 * Checks a file by its content (the first HEAD_BYTES), not only its name: the content must be an allowed kind and
 * the name's extension must fit it (a renamed program is refused). The name is sanitised; a name without an
 * allowed extension gets the content's.
 */
export async function checkFileKind(rawName: string, head: Uint8Array): Promise<CheckedFile> {
  let name = sanitizeFileName(rawName);
  const detected = await fileTypeFromBuffer(head);
  const kind = detected ? detected.ext : looksLikeText(head) ? "text" : "unknown";
  const allowed = BY_CONTENT[kind];
  const example = "例如：营业执照.pdf、数据表.xlsx、现场照片.jpg";
  if (!allowed) {
    const what = detected ? `${detected.ext.toUpperCase()}（${detected.mime}）` : "无法识别的二进制文件";
    throw new DomainError("unsupported_type", `不支持上传「${name}」：按文件内容识别为 ${what}，只能上传 ${ALLOWED_WORDS}。`, { example });
  }
  let ext = extensionOf(name);
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext) && !name.includes(".")) {
    // A chat image or a name without extension: name it by its content.
    ext = allowed.exts[0]!;
    name = `${name}.${ext}`;
  }
  if (!allowed.exts.includes(ext)) {
    throw new DomainError(
      "unsupported_type",
      `不支持上传「${name}」：文件名是 .${ext || "（无扩展名）"}，但内容是 ${kind === "text" ? "文本" : kind.toUpperCase()}，两者不符（可能是改了扩展名的文件）。只能上传 ${ALLOWED_WORDS}，扩展名须与内容一致。`,
      { example },
    );
  }
  return { name, mime: allowed.mime(ext) };
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
