import { runCommand } from "../commands/context";
import { orgSyncer, readDirectory } from "../commands/orgSyncer";
import { changeCount } from "../domain/orgSync";
import { localDate, localInstant } from "../domain/calendar";
import type { Job } from "./job";

/**
 * Nightly org sync from the platform's contact directory: once a night (the first minute of ORG_SYNC_WINDOW without a
 * sync recorded since), applied as the system. Servers without the platform's directory (no Lark app configured) skip it.
 */
export const orgSync: Job = {
  name: "orgSync",
  async perform(deps) {
    if (!deps.directory) return { synced: 0, changes: 0 };
    const now = deps.now();
    const today = localDate(now, deps.config.deadline);
    // The nightly window (ORG_SYNC_WINDOW, offices' time): the first run after its start syncs; a failing platform is retried until its end.
    const window = deps.config.orgSyncWindow;
    const from = localInstant(today, window.from, deps.config.deadline);
    if (now < from || now >= localInstant(today, window.until, deps.config.deadline)) return { synced: 0, changes: 0 };
    const done = await deps.db.kysely
      .selectFrom("auditEvents")
      .select("id")
      .where("chain", "=", "org")
      .where("action", "=", "sync")
      .where("createdAt", ">=", from)
      .executeTakeFirst();
    if (done) return { synced: 0, changes: 0 };
    const directory = await readDirectory(deps);
    const report = await runCommand(deps, { kind: "system", name: "通讯录夜间同步" }, orgSyncer, { directory, apply: true });
    return { synced: 1, changes: changeCount(report) };
  },
};
