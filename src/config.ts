import { z } from "zod";

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
  OUTBOX_PARK_AFTER_HOURS: z.coerce.number().positive("OUTBOX_PARK_AFTER_HOURS 须为正数，例如 24").default(24),
});

export interface AppConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  requestNumberPrefix: string;
  deadline: { timeZone: string; endOfDay: string };
  urgeIntervalHours: number;
  /** an outgoing message that keeps failing for real this long is parked for an admin */
  outboxParkAfterHours: number;
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
    outboxParkAfterHours: e.OUTBOX_PARK_AFTER_HOURS,
  };
}
