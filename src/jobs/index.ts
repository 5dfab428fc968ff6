import { deadlineSweep } from "./deadlineSweep";
import { digests } from "./digests";
import type { Job } from "./job";

/** Every periodic job, run every minute by the Node scheduler and by the Workers Cron Trigger. */
export const jobs: Job[] = [deadlineSweep, digests];
