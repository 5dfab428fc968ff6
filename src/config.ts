import { z } from "zod";
import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from "./domain/escalation";
import type { WorkingHours } from "./domain/workingHours";
import { LOG_LEVELS, type LogLevel } from "./observability/logger";

/** An on/off variable: 1/true/yes or 0/false/no. */
const flag = (name: string, fallback = false, example = `${name}=1`) =>
  z
    .enum(["1", "true", "yes", "0", "false", "no"], { message: `${name} 只能是 1 或 0，例如 ${example}` })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "1" || v === "true" || v === "yes"));

/**
 * An IANA time zone the runtime knows (Intl), written Area/Location (Asia/Shanghai) or UTC. Abbreviations are
 * refused even where Intl knows them: "CST" is US Central there, not China Standard Time.
 */
const isTimeZone = (v: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
    return /^(UTC|[A-Z][A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/.test(v);
  } catch {
    return false;
  }
};

const port = "端口须为 0 到 65535 的整数，例如 PORT=8787";

const schema = z
  .object({
  PORT: z.coerce.number({ message: port }).int(port).min(0, port).max(65535, port).default(8787),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "DATABASE_URL 是 PostgreSQL 连接串，例如 postgres://xietong:密码@127.0.0.1:5432/xietong")
    .optional(),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_PREPARED_STATEMENTS: flag("DATABASE_PREPARED_STATEMENTS", true, "PgBouncer 1.21 以前的事务池模式下设 DATABASE_PREPARED_STATEMENTS=0"),
  REQUEST_NUMBER_PREFIX: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{0,9}$/, "编号前缀只能由大写字母和数字组成，以字母开头，例如 XT")
    .default("XT"),
  TIME_ZONE: z.string().refine(isTimeZone, "TIME_ZONE 须是 IANA 时区名，例如 TIME_ZONE=Asia/Shanghai").default("Asia/Shanghai"),
  END_OF_WORKDAY: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "下班时间格式为 HH:mm，例如 17:30")
    .default("17:30"),
  URGE_INTERVAL_HOURS: z.coerce
    .number({ message: "URGE_INTERVAL_HOURS 须为正数（小时），例如 4" })
    .positive("URGE_INTERVAL_HOURS 须为正数（小时），例如 4")
    .max(720, "URGE_INTERVAL_HOURS 最多 720 小时，例如 4")
    .default(4),
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, "HOST 是监听地址（不带协议和端口），例如 127.0.0.1 或 0.0.0.0")
    .optional(),
  SANDBOX: flag("SANDBOX"),
  TRUST_PROXY: flag("TRUST_PROXY"),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, "PUBLIC_URL 是用户访问本服务的地址，以 http:// 或 https:// 开头，例如 https://xietong.example.gov.cn")
    .optional(),
  AUDIT_HMAC_KEY: z.string().min(32, "审计检查点密钥至少 32 个字符，例如用 openssl rand -hex 32 生成").optional(),
  ADMIN_CHAT_ID: z.string().regex(/^oc_\w+$/, "管理员群的 chat_id 以 oc_ 开头，例如 oc_admins").optional(),
  SUPERVISOR_CHAT_ID: z.string().regex(/^oc_\w+$/, "督查群的 chat_id 以 oc_ 开头，例如 oc_supervisors").optional(),
  OUTBOX_PARK_AFTER_HOURS: z.coerce
    .number({ message: "OUTBOX_PARK_AFTER_HOURS 须为正数，例如 24" })
    .positive("OUTBOX_PARK_AFTER_HOURS 须为正数，例如 24")
    .max(720, "OUTBOX_PARK_AFTER_HOURS 最多 720 小时，例如 24")
    .default(24),
  WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "工作时间格式为 HH:mm-HH:mm，例如 09:00-18:00")
    .refine((v) => v.slice(0, 5) < v.slice(6), "工作时间的结束须晚于开始，例如 09:00-18:00")
    .default("09:00-18:00"),
  ACCEPT_WORKING_DAYS: z.coerce
    .number({ message: "签收时限须为整数个工作日，例如 ACCEPT_WORKING_DAYS=1" })
    .int("签收时限须为整数个工作日，例如 1")
    .min(1, "签收时限至少 1 个工作日，例如 1")
    .max(30, "签收时限最多 30 个工作日，例如 1")
    .default(1),
  SUPERVISE_AFTER_WORKING_DAYS: z.coerce
    .number({ message: "督办天数须为整数，例如 SUPERVISE_AFTER_WORKING_DAYS=2" })
    .int("督办天数须为整数，例如 2")
    .min(0, "督办天数须为 0 到 30，例如 2（0 为不督办）")
    .max(30, "督办天数须为 0 到 30，例如 2（0 为不督办）")
    .default(2),
  METRICS_TOKEN: z.string().regex(/^\S{16,}$/, "METRICS_TOKEN 至少 16 个字符、不含空白，例如用 openssl rand -hex 24 生成").optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `LOG_LEVEL 只能是 ${LOG_LEVELS.join("、")}，例如 LOG_LEVEL=info` }).default("info"),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce
    .number({ message: "SHUTDOWN_TIMEOUT_SECONDS 须为 1 到 600 的整数（秒），例如 20" })
    .int("SHUTDOWN_TIMEOUT_SECONDS 须为 1 到 600 的整数（秒），例如 20")
    .min(1, "SHUTDOWN_TIMEOUT_SECONDS 须为 1 到 600 的整数（秒），例如 20")
    .max(600, "SHUTDOWN_TIMEOUT_SECONDS 须为 1 到 600 的整数（秒），例如 20")
    .default(20),
  STORAGE: z.enum(["local", "s3"], { message: "STORAGE 只能是 local（DATA_DIR 下的目录）或 s3（S3 兼容存储），例如 STORAGE=s3" }).default("local"),
  S3_ENDPOINT: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, "S3_ENDPOINT 是存储服务地址（不含桶名），例如 https://oss-cn-hangzhou.aliyuncs.com 或 http://127.0.0.1:9000").optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "S3_BUCKET 是桶名（小写字母、数字、点和短横线，3 到 63 个字符），例如 xietong-files").optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]+$/, "S3_REGION 是区域名，例如 us-east-1 或 auto（R2）").default("us-east-1"),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number({ message: "ATTACHMENT_MAX_BYTES 须为 1 到 1073741824 的整数（字节），例如 52428800（50 MB）" })
    .int("ATTACHMENT_MAX_BYTES 须为 1 到 1073741824 的整数（字节），例如 52428800（50 MB）")
    .min(1, "ATTACHMENT_MAX_BYTES 须为 1 到 1073741824 的整数（字节），例如 52428800（50 MB）")
    .max(1073741824, "ATTACHMENT_MAX_BYTES 须为 1 到 1073741824 的整数（字节），例如 52428800（50 MB）")
    .default(50 * 1024 * 1024),
  ORG_SYNC_WINDOW: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "通讯录夜间同步时段格式为 HH:mm-HH:mm，例如 ORG_SYNC_WINDOW=02:00-06:00")
    .refine((v) => v.slice(0, 5) < v.slice(6), "通讯录夜间同步时段的结束须晚于开始，例如 ORG_SYNC_WINDOW=02:00-06:00")
    .default("02:00-06:00"),
  RECTIFY_WORKING_DAYS: z.coerce.number({ message: "整改时限须为整数个工作日，例如 RECTIFY_WORKING_DAYS=5" }).int("整改时限须为整数个工作日，例如 5").min(1, "整改时限至少 1 个工作日，例如 5").max(60, "整改时限最多 60 个工作日，例如 5").default(5),
  })
  .superRefine((e, ctx) => {
    if (e.STORAGE !== "s3") return;
    for (const name of ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (!e[name]) ctx.addIssue({ code: "custom", path: [name], message: `STORAGE=s3 时须设置 ${name}，例如 S3_ENDPOINT=http://127.0.0.1:9000 S3_BUCKET=xietong-files S3_ACCESS_KEY_ID=… S3_SECRET_ACCESS_KEY=…` });
    }
  });

export interface AppConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /** DATABASE_PREPARED_STATEMENTS=0: every statement parsed each time (src/db/preparedStatements.ts; PgBouncer < 1.21 in transaction mode) */
  preparedStatements: boolean;
  requestNumberPrefix: string;
  deadline: { timeZone: string; endOfDay: string };
  urgeIntervalHours: number;
  /** HOST as set; unset = chosen by listenHost() */
  host: string | undefined;
  /** SANDBOX=1: run the offline sandbox even against DATABASE_URL or on a non-loopback address */
  sandboxOptIn: boolean;
  /** TRUST_PROXY=1: a reverse proxy in front of us sets X-Forwarded-Proto; believe it (nothing reads X-Forwarded-For yet) */
  trustProxy: boolean;
  /** the address people use to reach this service, without a trailing slash */
  publicUrl: string | undefined;
  audit: {
    /** signs audit checkpoints; kept outside the database. Unset: Node fills in a key generated in DATA_DIR. */
    hmacKey: string | undefined;
    /** where checkpoint digests are posted; unset = to each admin in private chat */
    adminChatId: string | undefined;
  };
  bulletin: {
    /** SUPERVISOR_CHAT_ID: where the monthly 通报 is posted; unset = to each supervisor in private chat */
    supervisorChatId: string | undefined;
  };
  /** an outgoing message that keeps failing for real this long is parked for an admin */
  outboxParkAfterHours: number;
  /** notices go out only within these hours on working days */
  workingHours: WorkingHours;
  /** the escalation policy before any imported policy changes it */
  escalation: EscalationPolicy;
  /** METRICS_TOKEN: the Bearer token of GET /metrics; unset = no metrics endpoint (404) */
  metricsToken: string | undefined;
  logLevel: LogLevel;
  /** SIGTERM: in-flight work gets this long to finish before the process exits 1 anyway */
  shutdownTimeoutMs: number;
  /** 整改 after a rating of 2 or below is due this many working days after the rating */
  rectifyWorkingDays: number;
  /** where attachment bytes live (src/storage) */
  storage: { kind: "local" } | { kind: "s3"; s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string } };
  /** the largest attachment accepted, in bytes */
  attachmentMaxBytes: number;
  /** ORG_SYNC_WINDOW: the nightly org sync runs once within these local hours (retried until the end on failure) */
  orgSyncWindow: { from: string; until: string };
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
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    requestNumberPrefix: e.REQUEST_NUMBER_PREFIX,
    deadline: { timeZone: e.TIME_ZONE, endOfDay: e.END_OF_WORKDAY },
    urgeIntervalHours: e.URGE_INTERVAL_HOURS,
    host: e.HOST,
    sandboxOptIn: e.SANDBOX,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    audit: { hmacKey: e.AUDIT_HMAC_KEY, adminChatId: e.ADMIN_CHAT_ID },
    bulletin: { supervisorChatId: e.SUPERVISOR_CHAT_ID },
    outboxParkAfterHours: e.OUTBOX_PARK_AFTER_HOURS,
    workingHours: { start: e.WORKING_HOURS.slice(0, 5), end: e.WORKING_HOURS.slice(6) },
    escalation: { ...DEFAULT_ESCALATION_POLICY, acceptWorkingDays: e.ACCEPT_WORKING_DAYS, superviseAfterWorkingDays: e.SUPERVISE_AFTER_WORKING_DAYS || null },
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    rectifyWorkingDays: e.RECTIFY_WORKING_DAYS,
    storage:
      e.STORAGE === "s3"
        ? { kind: "s3", s3: { endpoint: e.S3_ENDPOINT!, bucket: e.S3_BUCKET!, accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY!, region: e.S3_REGION } }
        : { kind: "local" },
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    orgSyncWindow: { from: e.ORG_SYNC_WINDOW.slice(0, 5), until: e.ORG_SYNC_WINDOW.slice(6) },
  };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

/**
 * The address the Node server listens on. A configured Lark app listens on every interface (0.0.0.0) unless HOST
 * says otherwise: the platform or a reverse proxy must reach it. The offline sandbox signs anyone in as anyone, so it
 * listens on loopback only, and refuses to start against a real database (DATABASE_URL) or on another address
 * unless SANDBOX=1 asks for exactly that.
 */
export function listenHost(config: AppConfig, sandbox: boolean): string {
  if (!sandbox) return config.host ?? "0.0.0.0";
  const host = config.host ?? "127.0.0.1";
  if (config.sandboxOptIn) return host;
  if (config.databaseUrl) {
    throw new Error(
      "配置有误：未设置 LARK_APP_ID，将启用离线沙箱平台，而沙箱允许任何人以任何身份（包括管理员）登录，不能连接正式数据库（DATABASE_URL）。" +
        "\n  正式部署：设置 LARK_APP_ID 与 LARK_APP_SECRET，例如 LARK_APP_ID=cli_xxx LARK_APP_SECRET=xxx npm start" +
        "\n  确需在该数据库上运行沙箱（如测试库）：再设置 SANDBOX=1，例如 SANDBOX=1 DATABASE_URL=postgres://… npm start",
    );
  }
  if (!LOOPBACK.test(host)) {
    throw new Error(
      `配置有误：离线沙箱允许任何人以任何身份（包括管理员）登录，默认只监听本机 127.0.0.1，不能监听 HOST=${host}。` +
        "\n  去掉 HOST 即只在本机访问；确需让其他机器访问沙箱（如演示环境）：再设置 SANDBOX=1，例如 SANDBOX=1 HOST=0.0.0.0 npm start",
    );
  }
  return host;
}
