import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import type { AppConfig } from "../../src/config";

export const S3_BUCKET = "xietong-test";

/** An S3-compatible store in this process (s3rver), on a free port, in a temporary directory. */
export async function startS3(): Promise<{ storage: AppConfig["storage"]; close(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), "xietong-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: S3_BUCKET }] });
  const { port } = (await server.run()) as { port: number };
  return {
    storage: { kind: "s3", s3: { endpoint: `http://127.0.0.1:${port}`, bucket: S3_BUCKET, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" } },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The storage kinds every attachment test runs on: a local directory, and S3 (s3rver). */
export const STORAGE_KINDS = ["local", "s3"] as const;
