import { noticeMissingYear } from "../commands/calendarNotices";
import type { Job } from "./job";

/** December: tells the admins once when next year's holiday schedule is still missing. */
export const calendarNotice: Job = {
  name: "calendarNotice",
  perform: (deps) => noticeMissingYear(deps),
};
