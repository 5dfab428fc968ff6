import { join } from "node:path";
import type { AppConfig } from "../config";
import { localStorage } from "./local";
import { s3Storage } from "./s3";
import type { Storage } from "./storage";

export type { Storage, StoredObject } from "./storage";
export { TooLarge } from "./storage";

/** The storage the configuration names: an S3-compatible bucket with STORAGE=s3, else DATA_DIR/attachments. */
export function createStorage(config: AppConfig): Storage {
  const s = config.storage;
  if (s.kind === "s3") return s3Storage(s.s3);
  return localStorage(join(config.dataDir, "attachments"));
}
