import type { Migration } from "kysely";
import * as initial from "./2026_11_22_1200_initial";
import * as sessions from "./2026_11_22_1300_sessions";
import * as deadlines from "./2026_12_01_2108_deadlines";

/** Every migration, in order. An explicit list (no folder scan) so the Worker bundle has them too. */
export const migrations: Record<string, Migration> = {
  "2026_11_22_1200_initial": initial,
  "2026_11_22_1300_sessions": sessions,
  "2026_12_01_2108_deadlines": deadlines,
};
