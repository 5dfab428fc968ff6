import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3 } from "../../test/support/s3";
import { localStorage } from "./local";
import { s3Storage } from "./s3";
import { TooLarge, type Storage } from "./storage";

// The same suite on a local directory and on an S3-compatible store (s3rver, in process).

const chunked = (bytes: Uint8Array, size = 64 * 1024) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.byteLength; i += size) c.enqueue(bytes.slice(i, i + size));
      c.close();
    },
  });
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const read = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());

let dir = "";
let s3: Awaited<ReturnType<typeof startS3>>;
const stores: Record<string, () => Storage> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xietong-local-"));
  s3 = await startS3();
  stores.local = () => localStorage(dir);
  stores.s3 = () => s3Storage((s3.storage as Extract<typeof s3.storage, { kind: "s3" }>).s3);
});
afterAll(async () => {
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(["local", "s3"])("%s storage", (kind) => {
  it("stores a small file at its SHA-256 and gives the same bytes back", async () => {
    const store = stores[kind]!();
    const bytes = new TextEncoder().encode(`营业执照核查结果 ${kind}`);
    const put = await store.put(chunked(bytes, 5), { maxBytes: 1024 });
    expect(put).toEqual({ sha256: sha(bytes), size: bytes.byteLength });
    expect(await store.exists(put.sha256)).toBe(true);
    expect(await read((await store.get(put.sha256))!)).toEqual(bytes);
  });

  it("streams a file larger than one S3 part (multipart) and keeps it whole", async () => {
    const store = stores[kind]!();
    const bytes = randomBytes(11 * 1024 * 1024 + 123);
    const put = await store.put(chunked(bytes), { maxBytes: 20 * 1024 * 1024 });
    expect(put.sha256).toBe(sha(bytes));
    expect(put.size).toBe(bytes.byteLength);
    expect(sha(await read((await store.get(put.sha256))!))).toBe(sha(bytes));
  }, 60_000);

  it("refuses more bytes than allowed and keeps nothing", async () => {
    const store = stores[kind]!();
    const bytes = randomBytes(6 * 1024 * 1024);
    await expect(store.put(chunked(bytes), { maxBytes: 5 * 1024 * 1024 + 1 })).rejects.toBeInstanceOf(TooLarge);
    expect(await store.exists(sha(bytes))).toBe(false);
    if (kind === "local") expect(await readdir(join(dir, "tmp"))).toEqual([]);
  }, 60_000);

  it("answers null and false for bytes it does not hold", async () => {
    const store = stores[kind]!();
    const missing = sha(new TextEncoder().encode("从未上传"));
    expect(await store.exists(missing)).toBe(false);
    expect(await store.get(missing)).toBeNull();
  });
});
