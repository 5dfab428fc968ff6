import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONFIG = fileURLToPath(new URL("../../miniapp/vite.config.ts", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/miniapp", import.meta.url));

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

/**
 * A fresh build of the mini-app for the browser tests. Several test files run at once and serve the same
 * dist/miniapp, so the build goes to a folder of its own first and each file is then moved into place (one
 * rename each): a page another test is loading never finds the folder emptied or a file half written.
 * Files of earlier builds (other content hashes) are removed afterwards.
 */
export async function buildMiniapp(): Promise<void> {
  mkdirSync(dirname(DIST), { recursive: true });
  const staging = mkdtempSync(join(dirname(DIST), ".miniapp-build-"));
  try {
    await build({ configFile: CONFIG, logLevel: "warn", build: { outDir: staging, emptyOutDir: true } });
    const built = files(staging).map((f) => relative(staging, f));
    for (const name of built) {
      mkdirSync(dirname(join(DIST, name)), { recursive: true });
      renameSync(join(staging, name), join(DIST, name));
    }
    for (const name of files(DIST).map((f) => relative(DIST, f))) if (!built.includes(name)) rmSync(join(DIST, name), { force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
