import { createWorkCalendar, type WorkCalendar } from "../domain/calendar";
import type { Executor } from "../db/client";
import { listCalendarOverrides } from "../db/repositories/org";
import { snapshotOf } from "../db/repositories/orgCache";

/** The statutory calendar plus the admin's overrides, as stored now. */
export async function loadWorkCalendar(db: Executor): Promise<WorkCalendar> {
  return snapshotOf(db)?.calendar ?? createWorkCalendar(await listCalendarOverrides(db));
}
