import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildServer {
  base: string;
  process: ChildProcess;
  /** whether the process is still running */
  alive(): boolean;
  /** what it printed, for failure messages */
  output(): string;
  /** sends the signal and waits for the process to end; answers its exit code (null when killed by the signal) */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts test/support/serverEntry.ts in a process of its own and waits until it listens. `bundle`: the same entry
 * built as one module (test/bench/events.ts builds it with vite.server.config.ts) and run with plain node, as
 * `npm start` runs the server; unset: through tsx.
 */
export async function startChildServer(env: Record<string, string>, bundle?: string, nodeArgs: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, ...(bundle ? [bundle] : ["--import", "tsx", "test/support/serverEntry.ts"])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let exited = false;
  const ended = new Promise<number | null>((resolve) => child.once("exit", (code) => ((exited = true), resolve(code))));
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /READY (\S+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`服务进程启动失败（退出码 ${code}）：\n${output}`)));
  });
  return {
    base,
    process: child,
    alive: () => !exited,
    output: () => output,
    stop: async (signal) => {
      if (!exited) child.kill(signal);
      return ended;
    },
  };
}
