import { AwsClient } from "aws4fetch";
import { randomBytes } from "node:crypto";
import { concat, contentPath, hashingCounter, type Storage, type StoredObject } from "./storage";

export interface S3Options {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** S3 accepts parts of at least 5 MiB (all but the last): the most an upload holds in memory at once. */
const PART_BYTES = 5 * 1024 * 1024;

/**
 * An S3-compatible bucket (MinIO, Cloudflare R2, Aliyun OSS) through aws4fetch, which signs plain fetch calls and
 * so runs on Workers too. Path-style addresses (endpoint/bucket/key). A file that fits in one part is hashed and
 * PUT at its content address at once; a larger one goes up part by part (multipart upload) to a temporary key
 * while hashed, then is copied to its content address and the temporary object deleted.
 */
export function s3Storage(opts: S3Options): Storage {
  const aws = new AwsClient({ accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, region: opts.region, service: "s3", retries: 2 });
  const base = `${opts.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(opts.bucket)}`;
  const objectKey = (sha256: string) => `attachments/${contentPath(sha256)}`;
  const url = (key: string, query = "") => `${base}/${key}${query}`;
  const call = async (what: string, input: string, init: RequestInit) => {
    const res = await aws.fetch(input, init);
    if (!res.ok) throw new Error(`S3 ${what} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res;
  };

  async function multipart(first: Uint8Array, reader: ReadableStreamDefaultReader<Uint8Array>, temp: string, result: () => StoredObject): Promise<StoredObject> {
    const created = await (await call("create upload", url(temp, "?uploads"), { method: "POST" })).text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
    if (!uploadId) throw new Error("S3 create upload: no UploadId");
    const q = (n: number) => `?partNumber=${n}&uploadId=${encodeURIComponent(uploadId)}`;
    const etags: string[] = [];
    try {
      let pending: Uint8Array[] = [first];
      let pendingBytes = first.byteLength;
      const flush = async () => {
        const part = concat(pending);
        const res = await call("upload part", url(temp, q(etags.length + 1)), { method: "PUT", body: part as BodyInit });
        etags.push(res.headers.get("etag") ?? "");
        pending = [];
        pendingBytes = 0;
      };
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        pending.push(r.value);
        pendingBytes += r.value.byteLength;
        if (pendingBytes >= PART_BYTES) await flush();
      }
      if (pendingBytes > 0) await flush();
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
      await call("complete upload", url(temp, `?uploadId=${encodeURIComponent(uploadId)}`), { method: "POST", body: xml });
    } catch (err) {
      await aws.fetch(url(temp, `?uploadId=${encodeURIComponent(uploadId)}`), { method: "DELETE" }).catch(() => undefined);
      throw err;
    }
    const stored = result();
    try {
      await call("copy", url(objectKey(stored.sha256)), { method: "PUT", headers: { "x-amz-copy-source": `/${opts.bucket}/${temp}` } });
    } finally {
      await aws.fetch(url(temp), { method: "DELETE" }).catch(() => undefined);
    }
    return stored;
  }

  return {
    kind: "s3",
    async put(body, { maxBytes }) {
      const counter = hashingCounter(maxBytes);
      const reader = body.pipeThrough(counter.stream).getReader();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let ended = false;
      while (bytes < PART_BYTES) {
        const r = await reader.read();
        if (r.done) {
          ended = true;
          break;
        }
        chunks.push(r.value);
        bytes += r.value.byteLength;
      }
      if (ended) {
        const stored = counter.result();
        await call("put", url(objectKey(stored.sha256)), { method: "PUT", body: concat(chunks) as BodyInit });
        return stored;
      }
      return multipart(concat(chunks), reader, `tmp/${Date.now()}-${randomBytes(8).toString("hex")}`, counter.result);
    },
    async get(sha256) {
      const res = await aws.fetch(url(objectKey(sha256)), { method: "GET" });
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw new Error(`S3 get failed: HTTP ${res.status}`);
      return res.body;
    },
    async exists(sha256) {
      const res = await aws.fetch(url(objectKey(sha256)), { method: "HEAD" });
      if (res.status === 404) return false;
      if (!res.ok) throw new Error(`S3 head failed: HTTP ${res.status}`);
      return true;
    },
  };
}
