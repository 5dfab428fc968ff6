import { z } from "zod";

const schema = z.object({
  LARK_APP_ID: z.string().regex(/^cli_[0-9a-zA-Z]+$/, "LARK_APP_ID 形如 cli_a1b2c3d4e5f60718").optional(),
  LARK_APP_SECRET: z.string().min(1).optional(),
  LARK_ENCRYPT_KEY: z.string().optional(),
  LARK_VERIFICATION_TOKEN: z.string().optional(),
  LARK_MODE: z.enum(["webhook", "ws"], { message: "LARK_MODE 只能是 webhook 或 ws" }).default("webhook"),
  LARK_DOMAIN: z.string().default("feishu"),
  LARK_BOT_NAME: z.string().default("协同助手"),
});

export interface LarkConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | undefined;
  verificationToken: string;
  mode: "webhook" | "ws";
  /** "feishu", "lark", or a base URL used verbatim (private deployments, the sandbox) */
  domain: string;
  botName: string;
}

/** Lark settings from the environment; null when no app is configured (then the sandbox runs). */
export function loadLarkConfig(env: Record<string, string | undefined> = process.env): LarkConfig | null {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")));
  if (!parsed.success) throw new Error(`配置有误：${parsed.error.issues.map((i) => i.message).join("；")}`);
  const e = parsed.data;
  if (!e.LARK_APP_ID) return null;
  if (!e.LARK_APP_SECRET) throw new Error("配置有误：设置了 LARK_APP_ID 就必须同时设置 LARK_APP_SECRET。");
  if (e.LARK_MODE === "webhook" && !e.LARK_VERIFICATION_TOKEN) {
    throw new Error("配置有误：事件订阅（webhook）模式需要 LARK_VERIFICATION_TOKEN（开放平台「事件与回调」页面的 Verification Token）。");
  }
  return {
    appId: e.LARK_APP_ID,
    appSecret: e.LARK_APP_SECRET,
    encryptKey: e.LARK_ENCRYPT_KEY,
    verificationToken: e.LARK_VERIFICATION_TOKEN ?? "",
    mode: e.LARK_MODE,
    domain: e.LARK_DOMAIN,
    botName: e.LARK_BOT_NAME,
  };
}
