import { useEffect, useState } from "preact/hooks";
import { ApiError, api, authHeaders, messageOf, read, type Attachment } from "../api";
import { refuse } from "./forms";
import { when } from "./labels";

// 附件 on a request's page and in the forms: the list (name, size, type, who, when, what it is attached to),
// download, an in-page preview of images and PDFs, and an upload of several files with each file's progress.

export type AttachedTo = Attachment["attachedTo"];

const ATTACHED_LABELS: Record<AttachedTo, string> = { request: "事项", comment: "补充", info_supply: "补正", completion: "办结", rectification: "整改" };

/** "1.2 MB", as the server words its limit. */
export function humanSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A short name for the type, from what the server recorded (it checked the content). */
function typeWord(mime: string, name: string): string {
  if (mime === "application/pdf") return "PDF";
  if (mime.startsWith("image/")) return "图片";
  if (mime.includes("word")) return "Word";
  if (mime.includes("excel") || mime.includes("sheet")) return "Excel";
  if (mime === "application/ofd") return "OFD";
  if (mime === "application/zip") return "ZIP";
  if (mime.startsWith("text/")) return "文本";
  return name.split(".").pop()?.toUpperCase() ?? mime;
}

export interface UploadTarget {
  attachedTo: AttachedTo;
  taskId?: number;
}

/** Sends one file as the request body (the server streams it into storage), reporting progress 0..1. */
export function uploadFile(number: string, file: File, target: UploadTarget, onProgress: (share: number) => void): Promise<Attachment> {
  const q = new URLSearchParams({ name: file.name, attachedTo: target.attachedTo });
  if (target.taskId !== undefined) q.set("taskId", String(target.taskId));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/requests/${encodeURIComponent(number)}/attachments?${q}`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { error?: { message?: string; example?: string } } & Partial<Attachment> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as Attachment);
      } else reject(new ApiError(xhr.status, body.error?.message ?? `上传失败（${xhr.status}）`, body.error?.example));
    };
    xhr.onerror = () => reject(new ApiError(0, `「${file.name}」上传失败，请检查网络后重试。`));
    xhr.send(file);
  });
}

type Progress = { name: string; share: number; error?: string; done?: boolean };

/** Uploads the files one after another, showing each one's progress or refusal; resolves with those accepted and those refused. */
export async function uploadAll(number: string, files: File[], target: UploadTarget, show: (p: Progress[]) => void): Promise<{ ok: Attachment[]; failed: File[] }> {
  const rows: Progress[] = files.map((f) => ({ name: f.name, share: 0 }));
  const update = () => show(rows.map((r) => ({ ...r })));
  update();
  const ok: Attachment[] = [];
  const failed: File[] = [];
  for (const [i, f] of files.entries()) {
    try {
      ok.push(
        await uploadFile(number, f, target, (share) => {
          rows[i]!.share = share;
          update();
        }),
      );
      rows[i]!.done = true;
    } catch (e) {
      rows[i]!.error = messageOf(e, `「${f.name}」上传失败，请重试。`);
      failed.push(f);
    }
    update();
  }
  return { ok, failed };
}

export function UploadProgress({ rows }: { rows: Progress[] }) {
  if (!rows.length) return null;
  return (
    <ul class="uploads">
      {rows.map((r) => (
        <li class={r.error ? "upload refused" : "upload"} data-file={r.name}>
          <span class="name">{r.name}</span>{" "}
          {r.error ? (
            <span class="error" role="alert">
              {r.error}
            </span>
          ) : (
            <>
              <progress max={1} value={r.share} aria-label={`${r.name} 上传进度`} /> {r.done ? "已上传" : `${Math.round(r.share * 100)}%`}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A file chooser for a form: the files are uploaded after the form's own object exists (see uploadAll). */
export function FilePicker(props: { files: File[]; onChange: (files: File[]) => void; label?: string }) {
  return (
    <label class="field">
      <span class="label">
        {props.label ?? "附件"}
        <small>（可选，可多选）</small>
      </span>
      <input type="file" multiple onChange={(e) => props.onChange([...(e.currentTarget.files ?? [])])} />
      {props.files.length > 0 && <small class="hint">已选 {props.files.map((f) => `${f.name}（${humanSize(f.size)}）`).join("、")}</small>}
    </label>
  );
}

/**
 * Files taken by an action's form (补充, 补正, 办结, 整改, 发起): `field` is the chooser with each file's progress;
 * `upload` sends them, attached to what the form is about, and throws the refusal (the form keeps its text and
 * only the refused files, so the person replaces them and submits again). A form that acts on an existing request
 * uploads before it acts, so the card its action sends already counts (and, for 办结, names) the files.
 */
export function useFormFiles(target: UploadTarget) {
  const [files, setFiles] = useState<File[]>([]);
  const [rows, setRows] = useState<Progress[]>([]);
  /** Sends the chosen files; resolves with how many were accepted and refused (the refused stay chosen). */
  const send = async (number: string) => {
    if (!files.length) return { ok: 0, failed: 0 };
    const { ok, failed } = await uploadAll(number, files, target, setRows);
    setFiles(failed);
    return { ok: ok.length, failed: failed.length, refused: failed };
  };
  const upload = async (number: string, what: string) => {
    const { ok, refused: failed = [] } = await send(number);
    if (failed.length) throw refuse(`${failed.map((f) => `「${f.name}」`).join("、")}未能上传（原因见上），${what}尚未提交。请更换文件后重新提交。`);
    return ok;
  };
  const field = (
    <>
      <FilePicker files={files} onChange={setFiles} />
      <UploadProgress rows={rows} />
    </>
  );
  return { upload, send, field };
}

/** The request's files, with upload for those who may see it. `refresh` changes when the page reloads. */
export function Attachments({ number, tasks, refresh }: { number: string; tasks: { id: number; department: string }[]; refresh?: unknown }) {
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [error, setError] = useState("");
  const [rows, setRows] = useState<Progress[]>([]);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<Attachment | null>(null);
  const load = () =>
    read(api.attachments.requests[":number"].attachments.$get({ param: { number } }))
      .then((x) => {
        setItems(x.items);
        setError("");
      })
      .catch((e) => setError(messageOf(e, "附件加载失败")));
  useEffect(() => {
    void load();
  }, [number, refresh]);
  const departmentOf = (taskId: number | null) => tasks.find((t) => t.id === taskId)?.department;
  const upload = async (files: File[]) => {
    if (!files.length) return;
    setBusy(true);
    await uploadAll(number, files, { attachedTo: "request" }, setRows);
    setBusy(false);
    await load();
  };
  return (
    <section class="attachments" aria-label="附件">
      <h2>附件{items ? `（${items.length}）` : ""}</h2>
      {error && <p class="notice refused">{error}</p>}
      {items && items.length === 0 && <p class="hint">还没有附件。</p>}
      {items && items.length > 0 && (
        <ul class="list">
          {items.map((a) => (
            <li class="item attachment" data-attachment={a.id}>
              <div class="title">
                <a href={a.url} download={a.name}>
                  {a.name}
                </a>
              </div>
              <div class="meta">
                {humanSize(a.size)} · {typeWord(a.mime, a.name)} · {a.uploader} · {when(a.createdAt)} · 附于{ATTACHED_LABELS[a.attachedTo]}
                {a.taskId !== null && departmentOf(a.taskId) ? `（${departmentOf(a.taskId)}）` : ""}
              </div>
              <div class="actions">
                <a class="button" href={a.url} download={a.name}>
                  下载
                </a>
                {a.previewable && (
                  <button type="button" aria-expanded={preview?.id === a.id} onClick={() => setPreview(preview?.id === a.id ? null : a)}>
                    预览
                  </button>
                )}
              </div>
              {preview?.id === a.id &&
                (a.mime.startsWith("image/") ? (
                  <img class="preview" src={`${a.url}?inline=1`} alt={`${a.name} 预览`} style="max-width:100%" />
                ) : (
                  <div class="preview">
                    {/* The server's CSP already sandboxes the document; the link is for viewers without an in-page PDF reader. */}
                    <iframe src={`${a.url}?inline=1`} title={`${a.name} 预览`} style="width:100%;height:60vh;border:0" />
                    <a href={`${a.url}?inline=1`} target="_blank" rel="noopener">
                      在新窗口中打开
                    </a>
                  </div>
                ))}
            </li>
          ))}
        </ul>
      )}
      <label class="field upload-field">
        <span class="label">上传附件（可多选；PDF、OFD、Word、Excel、JPG/PNG、ZIP、TXT）</span>
        <input
          type="file"
          multiple
          disabled={busy}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = "";
            void upload(files);
          }}
        />
      </label>
      <UploadProgress rows={rows} />
    </section>
  );
}
