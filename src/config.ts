import { z } from "zod";
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from "./domain/escalation";
import type { WorkingHours } from "./domain/workingHours";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./.data"),
  REQUEST_NUMBER_PREFIX: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{0,9}$/, "编号前缀只能由大写字母和数字组成，以字母开头，例如 XT")
    .default("XT"),
  TIME_ZONE: z.string().default("Asia/Shanghai"),
  END_OF_WORKDAY: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "下班时间格式为 HH:mm，例如 17:30")
    .default("17:30"),
  URGE_INTERVAL_HOURS: z.coerce.number().positive().default(4),
  WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "工作时间格式为 HH:mm-HH:mm，例如 09:00-18:00")
    .refine((v) => v.slice(0, 5) < v.slice(6), "工作时间的结束须晚于开始，例如 09:00-18:00")
    .default("09:00-18:00"),
  ACCEPT_WORKING_DAYS: z.coerce.number().int("签收时限须为整数个工作日，例如 1").min(1, "签收时限至少 1 个工作日，例如 1").max(30).default(1),
  SUPERVISE_AFTER_WORKING_DAYS: z.coerce.number().int("督办天数须为整数，例如 2").min(0).max(30).default(2),
});

export interface AppConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  requestNumberPrefix: string;
  deadline: { timeZone: string; endOfDay: string };
  urgeIntervalHours: number;
  /** notices go out only within these hours on working days */
  workingHours: WorkingHours;
  /** the escalation policy before any imported policy changes it */
  escalation: EscalationPolicy;
}

/** Reads configuration from the environment; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`配置有误：\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    requestNumberPrefix: e.REQUEST_NUMBER_PREFIX,
    deadline: { timeZone: e.TIME_ZONE, endOfDay: e.END_OF_WORKDAY },
    urgeIntervalHours: e.URGE_INTERVAL_HOURS,
    workingHours: { start: e.WORKING_HOURS.slice(0, 5), end: e.WORKING_HOURS.slice(6) },
    escalation: { ...DEFAULT_ESCALATION_POLICY, acceptWorkingDays: e.ACCEPT_WORKING_DAYS, superviseAfterWorkingDays: e.SUPERVISE_AFTER_WORKING_DAYS || null },
  };
}
