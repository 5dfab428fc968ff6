import type { Deps } from "../commands/context";
import type { Job } from "./job";

/**
 * Runs the periodic jobs on a Node timer (every minute by default), one after another. A run still going when
 * the next tick comes is not started twice in this process; other servers are kept apart by the jobs' claims.
 */
export function createScheduler(deps: Deps, jobs: readonly Job[], intervalMs = 60_000) {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  const runOnce = async (): Promise<void> => {
    for (const job of jobs) {
      try {
        await job.perform(deps);
      } catch (err) {
        console.error(`定时任务 ${job.name} 出错：`, err);
      }
    }
  };

  const tick = () => {
    if (running) return running;
    running = runOnce().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    tick,
    start() {
      timer ??= setInterval(() => void tick(), intervalMs);
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
