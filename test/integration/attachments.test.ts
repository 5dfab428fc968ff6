import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createApp } from "../../src/http/app";
import { AttachmentListSchema, AttachmentSchema } from "../../src/http/schemas";
import { createHarness, type Harness } from "../support/harness";
import { startS3, STORAGE_KINDS } from "../support/s3";
import { smallOrg } from "../support/smallOrg";
import { EXE, pdfBytes, pngBytes, sha256Hex } from "../support/fileFixtures";

// 附件 through the API, the same tests on a local directory and on an S3-compatible store (s3rver, in process):
// limits and the allowlist by content, who may see (404 otherwise), the download's headers and audit, and a
// sensitive request's files never named in chat.

const PDF = pdfBytes();
const PNG = pngBytes();
const sha = sha256Hex;

describe.each(STORAGE_KINDS)("attachments on %s storage", (kind) => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let cleanup: () => Promise<void>;
  const tokens = new Map<string, string>();
  let open = "";
  let secret = "";

  beforeAll(async () => {
    h = await createHarness("2026-11-23T10:00:00+08:00");
    if (kind === "s3") {
      const s3 = await startS3();
      h.deps.config = { ...h.deps.config, storage: s3.storage };
      cleanup = s3.close;
    } else {
      const dir = await mkdtemp(join(tmpdir(), "xietong-att-"));
      h.deps.config = { ...h.deps.config, dataDir: dir };
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    h.deps.config = { ...h.deps.config, attachmentMaxBytes: 64 * 1024 };
    await h.importOrg(smallOrg);
    app = createApp(h.deps);
    open = (await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照", source: "miniapp" })).request.number;
    const s = await h.as("ou_member", requestCreator, { text: "@市监局 匿名举报某作坊无照经营", classification: "sensitive", source: "miniapp" });
    secret = s.request.number;
    await h.as("ou_amrhead", taskAccepter, { task: { taskId: s.tasks[0]!.id }, assignee: { openId: "ou_amrhandler" } });
    for (const openId of ["ou_member", "ou_amrhandler", "ou_amrhandler2", "ou_taxhead", "ou_sup"]) {
      const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
      tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role: "integration", userId: user.id })).token);
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  const upload = (openId: string, number: string, name: string, body: Uint8Array, query = "") =>
    app.request(`/api/requests/${number}/attachments?name=${encodeURIComponent(name)}${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.get(openId)}`, "content-type": "application/octet-stream" },
      body: body as BodyInit,
    });
  const get = (openId: string, path: string) => app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });

  it("uploads a PDF; the handler lists it and downloads the same bytes as an attachment, audited", async () => {
    const res = await upload("ou_member", open, "营业执照 扫描件.pdf", PDF);
    expect(res.status).toBe(201);
    const a = AttachmentSchema.parse(await res.json());
    expect(a).toMatchObject({ name: "营业执照 扫描件.pdf", size: PDF.byteLength, mime: "application/pdf", sha256: sha(PDF), uploader: "刘洋", attachedTo: "request", previewable: true });

    const list = AttachmentListSchema.parse(await (await get("ou_amrhandler", `/api/requests/${open}/attachments`)).json());
    expect(list.items.map((i) => i.name)).toEqual(["营业执照 扫描件.pdf"]);

    const dl = await get("ou_amrhandler", a.url);
    expect(dl.status).toBe(200);
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect(dl.headers.get("content-disposition")).toBe(`attachment; filename="____ ___.pdf"; filename*=UTF-8''${encodeURIComponent("营业执照 扫描件.pdf")}`);
    expect(dl.headers.get("content-type")).toBe("application/octet-stream");
    expect(sha(new Uint8Array(await dl.arrayBuffer()))).toBe(sha(PDF));

    const preview = await get("ou_amrhandler", `${a.url}?inline=1`);
    expect(preview.headers.get("content-type")).toBe("application/pdf");
    expect(preview.headers.get("content-disposition")).toMatch(/^inline; /);
    expect(preview.headers.get("x-content-type-options")).toBe("nosniff");
    await preview.arrayBuffer();

    const trail = await h.db.kysely.selectFrom("auditEvents").select(["action", "actorName"]).where("action", "like", "attachment.%").orderBy("id").execute();
    expect(trail).toEqual([
      { action: "attachment.add", actorName: "刘洋" },
      { action: "attachment.download", actorName: "王芳" },
      { action: "attachment.download", actorName: "王芳" },
    ]);
    // The department hears of the file, with its name (the request is not sensitive).
    const notices = await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "request.attached").execute();
    expect(notices.map((n) => (n.payload as { text: string }).text)).toEqual([`刘洋 上传了附件「营业执照 扫描件.pdf」（${PDF.byteLength} B），请在小程序中查看或下载。`]);
  });

  it("refuses a renamed executable by its content, with a clear Chinese answer and nothing stored", async () => {
    const res = await upload("ou_member", open, "核查报告.pdf", EXE);
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { code: string; message: string; example: string } };
    expect(body.error.code).toBe("unsupported_type");
    expect(body.error.message).toContain("不支持上传「核查报告.pdf」：按文件内容识别为 EXE");
    expect(body.error.example).toContain("营业执照.pdf");
    // A picture named as a PDF is refused too: the name must fit the content.
    const png = await upload("ou_member", open, "报告.pdf", PNG);
    expect(png.status).toBe(415);
    expect(((await png.json()) as { error: { message: string } }).error.message).toContain("两者不符");
    const count = await h.db.kysely.selectFrom("attachments").select((eb) => eb.fn.countAll<string>().as("n")).where("name", "like", "%报告%").executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("refuses a file over the size limit (413) and names the limit", async () => {
    const big = new Uint8Array(70 * 1024);
    big.set(new TextEncoder().encode("一".repeat(20000)));
    big.fill(0x41, 60000);
    const res = await upload("ou_member", open, "明细.txt", big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("「明细.txt」超过了单个附件 64.0 KB 的上限，请压缩或拆分后再上传。");
    // A plain text file under the limit is fine, and its name loses the folders and unsafe characters.
    const ok = await upload("ou_member", open, "../../etc/名单<1>.txt", new TextEncoder().encode("张三 91330100MA2XXXXX\n"));
    expect(ok.status).toBe(201);
    expect(AttachmentSchema.parse(await ok.json()).name).toBe("名单1.txt");
  });

  it("answers 404 to a person who may not see the sensitive request, for upload, list and download alike", async () => {
    const res = await upload("ou_amrhandler", secret, "现场照片.png", PNG);
    expect(res.status).toBe(201);
    const a = AttachmentSchema.parse(await res.json());
    // Another handler of the same department, and another department's head, may not see it.
    for (const outsider of ["ou_amrhandler2", "ou_taxhead"]) {
      expect((await get(outsider, `/api/requests/${secret}/attachments`)).status).toBe(404);
      const dl = await get(outsider, a.url);
      expect(dl.status).toBe(404);
      expect(JSON.stringify(await dl.json())).not.toContain("现场照片");
      expect((await upload(outsider, secret, "补充.png", PNG)).status).toBe(404);
    }
    // The requester and a supervisor may.
    expect(sha(new Uint8Array(await (await get("ou_member", a.url)).arrayBuffer()))).toBe(sha(PNG));
    expect((await get("ou_sup", `/api/requests/${secret}/attachments`)).status).toBe(200);
  });

  it("never names a sensitive request's file in chat: the notice only points to the mini-app", async () => {
    const notices = await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "request.attached").where("requestId", "=", (await h.db.kysely.selectFrom("requests").select("id").where("number", "=", secret).executeTakeFirstOrThrow()).id).execute();
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) {
      expect(JSON.stringify(n.payload)).not.toContain("现场照片");
      expect((n.payload as { text: string }).text).toBe("王芳 上传了 1 个附件，请在小程序中查看。");
    }
  });

  it("keeps one copy of the same bytes however often they are uploaded", async () => {
    const bytes = randomBytes(2000);
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...bytes]);
    const one = AttachmentSchema.parse(await (await upload("ou_member", open, "材料.zip", zip)).json());
    const two = AttachmentSchema.parse(await (await upload("ou_member", open, "材料（副本）.zip", zip)).json());
    expect(two.sha256).toBe(one.sha256);
    expect(two.id).not.toBe(one.id);
  });
});
