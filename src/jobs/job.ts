import type { Deps } from "../commands/context";

/** A periodic job: finds due work from the state in the database and calls commands. Safe on several servers. */
export interface Job {
  name: string;
  perform(deps: Deps): Promise<Record<string, number> | void>;
}
