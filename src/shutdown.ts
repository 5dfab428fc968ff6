import type { Server } from "node:http";
import type { Logger } from "./observability/logger";
import { errorFields } from "./observability/logger";

export interface GracefulShutdownOptions {
  /** the HTTP server: stops accepting at once, in-flight requests finish */
  server: Pick<Server, "close" | "closeIdleConnections">;
  /** stops the loops from taking new work and waits for the steps under way (scheduler, inbox, delivery) */
  stopWork: () => Promise<void>;
  /** closes the database last (PGlite flushes its files) */
  closeDatabase: () => Promise<void>;
  /** past this, the process exits 1 whatever is still running */
  timeoutMs: number;
  log: Logger;
  exit?: (code: number) => void;
}

/**
 * SIGTERM (systemd, a rolling upgrade) and SIGINT (Ctrl-C): stop accepting connections, let in-flight requests,
 * events and job steps finish, close the database, exit 0; exit 1 if that takes longer than `timeoutMs`.
 * What was not started stays in the database (inbox, outbox, due tasks) for the next server to pick up.
 */
export function installGracefulShutdown(opts: GracefulShutdownOptions): void {
  const shutdown = createShutdown(opts);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

/** The shutdown itself, for a signal; a second signal while it runs changes nothing. */
export function createShutdown(opts: GracefulShutdownOptions): (signal: NodeJS.Signals) => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (started) {
      opts.log.warn({ signal }, "shutdown already under way");
      return;
    }
    started = true;
    const began = Date.now();
    opts.log.info({ signal, timeoutMs: opts.timeoutMs }, "shutting down: no new connections, finishing work in flight");
    const deadline = setTimeout(() => {
      opts.log.error({ signal, timeoutMs: opts.timeoutMs }, "shutdown took too long: exiting with work unfinished");
      exit(1);
    }, opts.timeoutMs);
    deadline.unref();
    const serverClosed = new Promise<void>((resolve) => {
      // Keep-alive connections that go idle once their request is answered are closed too, or close() would wait for them.
      const idle = setInterval(() => opts.server.closeIdleConnections(), 50);
      idle.unref();
      opts.server.close(() => {
        clearInterval(idle);
        resolve();
      });
      opts.server.closeIdleConnections();
    });
    void Promise.all([serverClosed, opts.stopWork()])
      .then(() => opts.closeDatabase())
      .then(
        () => {
          clearTimeout(deadline);
          opts.log.info({ signal, ms: Date.now() - began }, "shutdown complete");
          exit(0);
        },
        (err) => {
          clearTimeout(deadline);
          opts.log.error({ signal, ...errorFields(err) }, "shutdown failed");
          exit(1);
        },
      );
  };
  return shutdown;
}
