import { auditCheckpointer } from "../commands/auditCheckpointer";
import { runCommand, type Deps } from "../commands/context";
import type { Job } from "./job";

const HOUR = 3600_000;

/** Anchors the audit chains now (see auditCheckpointer); does nothing when no record was added. */
export const auditCheckpoint = {
  name: "auditCheckpoint",
  perform: (deps: Deps) => runCommand(deps, { kind: "system", name: "留痕检查点" }, auditCheckpointer, {}),
};

/**
 * The scheduled form: hourly. The scheduler ticks every minute on every server, so the hour is judged from the
 * last checkpoint in the database, not from a timer of this process: several servers still write (and send to the
 * admins) about one checkpoint an hour.
 */
export const hourlyAuditCheckpoint: Job = {
  name: "auditCheckpoint",
  async perform(deps: Deps): Promise<Record<string, number>> {
    const last = await deps.db.kysely.selectFrom("auditCheckpoints").select("takenAt").orderBy("seq", "desc").limit(1).executeTakeFirst();
    if (last && deps.now().getTime() - new Date(last.takenAt).getTime() < HOUR) return { skipped: 1 };
    const cp = await auditCheckpoint.perform(deps);
    return { written: cp ? 1 : 0 };
  },
};
