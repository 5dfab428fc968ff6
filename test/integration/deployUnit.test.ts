import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The server's memory under load depends on the flags node is given (README, "npm start"; the bench:events results
// were measured with npm start's). A deployment by systemd (deploy/xietong.service) must run the same bundle with
// the same flags, or production runs a server nobody measured.

const root = join(import.meta.dirname, "..", "..");

/** The words of a command line after `node`: its flags, then the script. */
function nodeCommand(line: string): { flags: string[]; script: string | undefined } {
  const words = line.trim().split(/\s+/);
  const at = words.findIndex((w) => w === "node" || w.endsWith("/node"));
  const rest = at < 0 ? [] : words.slice(at + 1);
  return { flags: rest.filter((w) => w.startsWith("--")), script: rest.find((w) => !w.startsWith("--")) };
}

describe("deploy/xietong.service", () => {
  const start: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.start;
  const unit = readFileSync(join(root, "deploy", "xietong.service"), "utf8");
  const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1] ?? "";

  it("runs the bundle npm start runs, with the same node flags", () => {
    const npm = nodeCommand(start);
    const systemd = nodeCommand(execStart);
    expect(npm.script).toBe("dist/server/main.node.mjs");
    expect(systemd.script).toBe(npm.script);
    expect(systemd.flags).toEqual(npm.flags);
  });

  it("bounds V8's heap, as the bench measured it", () => {
    const { flags } = nodeCommand(start);
    expect(flags.some((f) => /^--max-old-space-size=\d+$/.test(f))).toBe(true);
  });
});
