import type { Deps } from "../commands/context";
import { auditCheckpoint } from "./auditCheckpoint";

export interface Job {
  name: string;
  intervalMs: number;
  perform(deps: Deps): Promise<unknown>;
}

/** Periodic jobs, each run on a timer by main.node.ts (and by a Cron Trigger on Workers). A plain list. */
export const jobs: Job[] = [auditCheckpoint];
