import { DomainError } from "../../src/domain/types";

// What a failed Open Platform call means for the person waiting on it. The SDK throws an AxiosError for a non-2xx
// answer (with `response`) and for a network failure or timeout (without), and a plain Error when the tenant token
// cannot be had (`failed to get tenant_access_token, code: …`).

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ERR_NETWORK"]);

interface SdkError {
  isAxiosError?: boolean;
  code?: unknown;
  message?: string;
  response?: { status?: number; data?: { code?: unknown } };
}

/**
 * An error to answer with: `platform_unreachable` (503) when the platform could not be reached, `platform_error`
 * (502) when it answered with an error; anything else (our own DomainErrors included) is returned unchanged.
 *
 * @example
 * await client.authen.v1.userInfo.get(...).catch((err) => { throw platformFailure(err, "登录"); })
 */
export function platformFailure(err: unknown, what: string): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err instanceof DomainError) return err;
  const e = err as SdkError;
  const status = e.response?.status;
  if (status) {
    const code = e.response?.data?.code;
    return new DomainError("platform_error", `${what}失败：飞书开放平台返回错误（HTTP ${status}${code !== undefined ? `，错误码 ${String(code)}` : ""}），请稍后重试；如果问题持续，请联系管理员。`);
  }
  if (e.isAxiosError || (typeof e.code === "string" && NETWORK_CODES.has(e.code))) {
    return new DomainError("platform_unreachable", `${what}失败：暂时无法连接飞书开放平台，请稍后重试。`);
  }
  const tokenCode = /failed to get tenant_access_token, code: ([^,]+),/.exec(e.message ?? "")?.[1];
  if (tokenCode) {
    return new DomainError("platform_error", `${what}失败：飞书开放平台拒绝了本应用的凭证（错误码 ${tokenCode}），请管理员检查 LARK_APP_ID 与 LARK_APP_SECRET。`);
  }
  return err;
}
