import { hourlyAuditCheckpoint } from "./auditCheckpoint";
import { calendarNotice } from "./calendarNotice";
import { chatFileDownloads } from "./chatFileDownloads";
import { deadlineSweep } from "./deadlineSweep";
import { dashboardRollup } from "./dashboardRollup";
import { digests } from "./digests";
import { monthlyBulletin } from "./monthlyBulletin";
import { orgSync } from "./orgSync";
import { rectificationSweep } from "./rectificationSweep";
import type { Job } from "./job";

/** Every periodic job, run every minute by the Node scheduler and by the Workers Cron Trigger. A plain list. */
export const jobs: Job[] = [deadlineSweep, rectificationSweep, digests, hourlyAuditCheckpoint, dashboardRollup, monthlyBulletin, calendarNotice, orgSync, chatFileDownloads];
