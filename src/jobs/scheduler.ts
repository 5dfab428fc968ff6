import type { Deps } from "../commands/context";
import { observability } from "../observability";
import { errorFields } from "../observability/logger";
import type { Job } from "./job";

/**
 * Runs the periodic jobs on a Node timer (every minute by default), one after another. A run still going when
 * the next tick comes is not started twice in this process; other servers are kept apart by the jobs' claims.
 */
export function createScheduler(deps: Deps, jobs: readonly Job[], intervalMs = 60_000) {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;
  let stopping = false;
  const { log, metrics } = observability(deps);

  // Stopping (SIGTERM) lets the job under way finish its step and starts no further job.
  const runOnce = async (): Promise<void> => {
    for (const job of jobs) {
      if (stopping) return;
      const started = performance.now();
      try {
        const result = await job.perform(deps);
        const seconds = (performance.now() - started) / 1000;
        metrics.jobRun(job.name, seconds, true);
        log.info({ job: job.name, ms: Math.round(seconds * 1000), ...(result ?? {}) }, "job done");
      } catch (err) {
        const seconds = (performance.now() - started) / 1000;
        metrics.jobRun(job.name, seconds, false);
        log.error({ job: job.name, ms: Math.round(seconds * 1000), ...errorFields(err) }, "job failed");
      }
    }
  };

  const tick = () => {
    if (stopping) return running ?? Promise.resolve();
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
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
