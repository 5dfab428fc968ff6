import { z } from "zod";

const schema = z.object({
  LARK_APP_ID: z.string().regex(/^cli_[0-9a-zA-Z]+$/, "LARK_APP_ID 是开放平台「凭证与基础信息」页的 App ID，形如 cli_a1b2c3d4e5f60718").optional(),
  LARK_APP_SECRET: z.string().regex(/^\S+$/, "LARK_APP_SECRET 不能含空白，例如 LARK_APP_SECRET=Kx8…（开放平台「凭证与基础信息」页的 App Secret）").optional(),
  LARK_ENCRYPT_KEY: z.string().regex(/^\S+$/, "LARK_ENCRYPT_KEY 不能含空白（开放平台「事件与回调 → 加密策略」页的 Encrypt Key）").optional(),
  LARK_VERIFICATION_TOKEN: z.string().regex(/^\S+$/, "LARK_VERIFICATION_TOKEN 不能含空白（开放平台「事件与回调 → 加密策略」页的 Verification Token）").optional(),
  LARK_MODE: z.enum(["webhook", "ws"], { message: "LARK_MODE 只能是 webhook（事件订阅）或 ws（长连接），例如 LARK_MODE=webhook" }).default("webhook"),
  LARK_DOMAIN: z
    .string()
    .regex(/^(feishu|lark|https?:\/\/[^/\s]+)$/, "LARK_DOMAIN 只能是 feishu、lark，或私有化部署的地址（不带路径），例如 LARK_DOMAIN=https://open.feishu.example.gov.cn")
    .default("feishu"),
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
  if (!parsed.success) throw new Error(`配置有误：\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  const e = parsed.data;
  if (!e.LARK_APP_ID) return null;
  if (!e.LARK_APP_SECRET) throw new Error("配置有误：设置了 LARK_APP_ID 就必须同时设置 LARK_APP_SECRET，例如 LARK_APP_ID=cli_a1b2c3d4e5f60718 LARK_APP_SECRET=<App Secret> npm start");
  if (e.LARK_MODE === "webhook" && !e.LARK_VERIFICATION_TOKEN) {
    throw new Error("配置有误：事件订阅（webhook）模式需要 LARK_VERIFICATION_TOKEN（开放平台「事件与回调」页面的 Verification Token），例如 LARK_VERIFICATION_TOKEN=<Verification Token>；或改用长连接 LARK_MODE=ws。");
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
