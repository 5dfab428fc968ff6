import { hourlyAuditCheckpoint } from "./auditCheckpoint";
import { deadlineSweep } from "./deadlineSweep";
import { digests } from "./digests";
import { rectificationSweep } from "./rectificationSweep";
import type { Job } from "./job";

/** Every periodic job, run every minute by the Node scheduler and by the Workers Cron Trigger. A plain list. */
export const jobs: Job[] = [deadlineSweep, rectificationSweep, digests, hourlyAuditCheckpoint];
