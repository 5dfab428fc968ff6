import { armEscalations } from "../commands/escalationArmer";
import { fireDueEscalations } from "../commands/escalationFirer";
import { loadTimeSettings } from "../commands/escalationPolicy";
import { isWithinWorkingHours } from "../domain/workingHours";
import { markOverdueRed } from "../db/repositories/escalations";
import type { Job } from "./job";

const ARM_BATCH = 2000;
const FIRE_BATCH = 10_000;

/**
 * The deadline sweep: brings every changed task's escalation steps up to date, then — only within working
 * hours — fires the steps that are due. Works from the database alone, so a server that was down catches up.
 */
export const deadlineSweep: Job = {
  name: "deadlineSweep",
  async perform(deps) {
    let armed = 0;
    for (let n = -1; n !== 0; ) {
      n = await deps.db.transaction((trx) => armEscalations(deps, trx, ARM_BATCH));
      armed += n;
    }
    // One statement: atomic on its own.
    const red = await markOverdueRed(deps.db.kysely, deps.now());
    const time = await loadTimeSettings(deps.db.kysely, deps);
    if (!isWithinWorkingHours(deps.now(), time.cal, time.deadline, time.hours)) return { armed, red, claimed: 0, messages: 0 };
    let claimed = 0;
    let messages = 0;
    for (;;) {
      const r = await deps.db.transaction((trx) => fireDueEscalations(deps, trx, FIRE_BATCH));
      claimed += r.claimed;
      messages += r.messages;
      if (r.claimed < FIRE_BATCH) break;
    }
    return { armed, red, claimed, messages };
  },
};
