import * as lark from "@larksuiteoapi/node-sdk";
import { DomainError } from "../../src/domain/types";
import type { SignInExchanger } from "../../src/http/env";
import type { LarkConfig } from "./config";
import { platformFailure } from "./platformError";
import { Readable } from "node:stream";
import type { ChatFileSource } from "../core/types";

/** The SDK client of one process (Node) or one request (Workers), with what is built on it. */
export interface LarkConnection {
  client: lark.Client;
  /** drops the cached tenant token (the platform called it invalid) */
  clearTokens(): void;
  /** the mini-app's sign-in: a platform code exchanged for the person's openId */
  signIn: SignInExchanger;
  /** obtains a tenant token (cached by the SDK until near expiry): the readiness check */
  platformToken(): Promise<void>;
  /** a file or image of a message someone sent (im.v1.messageResource.get), streamed */
  files: ChatFileSource;
}

/** "feishu", "lark", or a base URL used verbatim (a private deployment, the sandbox). */
export function larkDomain(domain: string): lark.Domain | string {
  return domain === "lark" ? lark.Domain.Lark : domain === "feishu" ? lark.Domain.Feishu : domain;
}

/** How long a chat file's download may wait for the platform's answer (LARK_FILE_TIMEOUT_MS overrides). */
export const FILE_DOWNLOAD_TIMEOUT_MS = 120_000;

export function connectLark(config: LarkConfig, domain: lark.Domain | string, opts: { fileTimeoutMs?: number } = {}): LarkConnection {
  const cache = new lark.DefaultCache();
  const client = new lark.Client({ appId: config.appId, appSecret: config.appSecret, domain, cache, loggerLevel: lark.LoggerLevel.error });
  const clearTokens = () => (cache as unknown as { values?: Map<unknown, unknown> }).values?.clear();
  /** The SDK never refreshes a tenant token the platform calls invalid (99991663): drop it and try once more. */
  async function withFreshToken<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const code = (err as { response?: { data?: { code?: number } } }).response?.data?.code;
      if (code !== 99991663) throw err;
      clearTokens();
      return call();
    }
  }
  return {
    client,
    clearTokens,
    signIn: {
      async exchange(code) {
        const token = await withFreshToken(() => client.authen.v1.oidcAccessToken.create({ data: { grant_type: "authorization_code", code } })).catch((err) => {
          throw platformFailure(err, "登录");
        });
        if (token.code === 20004) throw new DomainError("code_expired", "登录授权码已过期，请重新打开小程序。");
        if (token.code !== 0 || !token.data?.access_token) throw new DomainError("code_invalid", "登录授权码无效或已被使用，请重新打开小程序。");
        const info = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(token.data.access_token)).catch((err) => {
          throw platformFailure(err, "登录");
        });
        if (!info.data?.open_id) throw new DomainError("code_invalid", "无法读取您的身份信息，请重新打开小程序。");
        return { openId: info.data.open_id };
      },
    },
    files: {
      async download(messageId, file) {
        const res = await withFreshToken(() =>
          client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: file.key }, params: { type: file.kind } }, { timeout: opts.fileTimeoutMs ?? FILE_DOWNLOAD_TIMEOUT_MS } as never),
        ).catch((err) => {
          throw platformFailure(err, "下载聊天中的文件");
        });
        const length = Number(res.headers?.["content-length"]);
        return { body: Readable.toWeb(res.getReadableStream()) as unknown as ReadableStream<Uint8Array>, size: Number.isFinite(length) ? length : null };
      },
    },
    async platformToken() {
      const token: unknown = await client.tokenManager.getTenantAccessToken();
      if (typeof token !== "string" || !token) throw new Error("平台未返回 tenant_access_token");
    },
  };
}
