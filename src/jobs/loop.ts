/**
 * Lets timers and sockets have a turn. On PGlite every query runs in this thread, so a loop of passes (or of
 * queries) that never waits for real I/O would otherwise keep them out for as long as it runs.
 */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Runs a job's passes on a timer, and at once when kicked; one pass at a time in this process (other
 * processes are kept apart by SKIP LOCKED). A pass answers whether it did something: then it runs again.
 * kick() resolves when nothing is left, which is what tests wait for.
 */
export function createJobLoop(name: string, pass: () => Promise<boolean>, intervalMs = 2000) {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopping = false;

  const run = async () => {
    do {
      again = false;
      try {
        if (await pass()) again = true;
      } catch (err) {
        console.error(`${name}出错：`, err);
      }
      await yieldToIo();
    } while (again && !stopping);
  };

  /** Once stopped, takes no new work: the pass under way finishes, what is left waits in the database. */
  const kick = (): Promise<void> => {
    if (stopping) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    kick,
    start() {
      timer ??= setInterval(() => void kick(), intervalMs);
      timer.unref?.();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
