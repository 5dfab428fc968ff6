import { createWorkCalendar, type WorkCalendar } from "../domain/calendar";
import type { Executor } from "../db/client";
import { listCalendarOverrides } from "../db/repositories/org";

/** The statutory calendar plus the admin's overrides, as stored now. */
export async function loadWorkCalendar(db: Executor): Promise<WorkCalendar> {
  return createWorkCalendar(await listCalendarOverrides(db));
}
