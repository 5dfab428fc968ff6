import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { contentPath, hashingCounter, type Storage } from "./storage";

/**
 * Files in a directory (DATA_DIR/attachments by default on Node): written to tmp/ while hashed, then renamed to
 * their content address (a rename within one file system is atomic, so a reader never sees half a file).
 */
export function localStorage(root: string): Storage {
  const tmp = join(root, "tmp");
  const at = (sha256: string) => join(root, contentPath(sha256));
  return {
    kind: "local",
    async put(body, { maxBytes }) {
      await mkdir(tmp, { recursive: true });
      const temp = join(tmp, `${Date.now()}-${randomBytes(8).toString("hex")}`);
      const counter = hashingCounter(maxBytes);
      try {
        await body.pipeThrough(counter.stream).pipeTo(Writable.toWeb(createWriteStream(temp)) as WritableStream<Uint8Array>);
        const stored = counter.result();
        const target = at(stored.sha256);
        await mkdir(join(target, ".."), { recursive: true });
        await rename(temp, target);
        return stored;
      } finally {
        await rm(temp, { force: true });
      }
    },
    async get(sha256) {
      if (!(await this.exists(sha256))) return null;
      return Readable.toWeb(createReadStream(at(sha256))) as unknown as ReadableStream<Uint8Array>;
    },
    async exists(sha256) {
      try {
        return (await stat(at(sha256))).isFile();
      } catch {
        return false;
      }
    },
  };
}
