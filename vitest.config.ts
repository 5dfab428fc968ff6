import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "bot/**/*.test.ts", "test/**/*.test.ts"],
    // Each integration file gets its own embedded database (or its own schema on PostgreSQL);
    // two forks keep the 2-core machines busy without starving the database server.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A test that blocks its event loop fails, named, instead of hanging the run (timeouts cannot fire then).
    setupFiles: ["test/support/watchdog.ts"],
  },
});
