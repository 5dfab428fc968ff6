import { createHash } from "node:crypto";

/**
 * Where attachment bytes live: one small interface, content-addressed by SHA-256. `put` streams the bytes
 * through a hash into a temporary object and moves them to their content address once the hash is known, so
 * a file is never held whole in memory; the same bytes uploaded twice are stored once.
 */
export interface Storage {
  readonly kind: "local" | "s3";
  /** Stores the stream; refuses (TooLarge) once more than `maxBytes` arrived, keeping nothing. */
  put(body: ReadableStream<Uint8Array>, opts: { maxBytes: number }): Promise<StoredObject>;
  /** The bytes at a content address, or null when there are none. */
  get(sha256: string): Promise<ReadableStream<Uint8Array> | null>;
  exists(sha256: string): Promise<boolean>;
}

export interface StoredObject {
  sha256: string;
  size: number;
}

/** More bytes arrived than allowed: the upload is dropped. */
export class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
    this.name = "TooLarge";
  }
}

export const SHA256 = /^[0-9a-f]{64}$/;

/** Where an object lives under a root: ab/cd/abcd… (two levels keep directories and listings small). */
export function contentPath(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/**
 * Counts and hashes the chunks flowing through it; errors with TooLarge past `maxBytes`. `result()` is valid once
 * the stream has been read to its end.
 */
export function hashingCounter(maxBytes: number) {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        controller.error(new TooLarge(maxBytes));
        return;
      }
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, result: (): StoredObject => ({ sha256: hash.digest("hex"), size }) };
}

/**
 * The first `n` bytes of a stream (fewer if it is shorter), and a stream of all the bytes, head included, to read
 * on: how the type is checked by content before anything is stored.
 */
export async function peekHead(body: ReadableStream<Uint8Array>, n: number): Promise<{ head: Uint8Array; body: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  let done = false;
  while (got < n) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    got += r.value.byteLength;
  }
  const all = concat(chunks);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (all.byteLength > 0) controller.enqueue(all);
      if (done) controller.close();
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head: all.subarray(0, n), body: rest };
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
