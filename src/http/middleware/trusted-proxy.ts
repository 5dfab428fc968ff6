import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

export interface TrustedProxyOptions {
  /** a reverse proxy in front of us terminates TLS and sets X-Forwarded-Proto (TRUST_PROXY=1); default false */
  trust?: boolean;
  /** the address people use (PUBLIC_URL); an https address means every visit arrived over TLS */
  publicUrl?: string | undefined;
}

/**
 * Sets `secure`: whether the person's connection is encrypted, so that cookies get `Secure`. True when the
 * request itself is https (direct TLS, Workers), when PUBLIC_URL is https, or when a trusted proxy says
 * `X-Forwarded-Proto: https`. The header is ignored unless the proxy is trusted: anyone can send it.
 *
 * @example
 * app.use("*", trustedProxy({ trust: config.trustProxy, publicUrl: config.publicUrl }))
 */
export function trustedProxy(options: TrustedProxyOptions = {}): MiddlewareHandler<AppEnv> {
  const publicHttps = options.publicUrl?.startsWith("https://") ?? false;
  return async function trustedProxyHandler(c, next) {
    // The left-most value is what the proxy nearest the person saw.
    const forwarded = options.trust ? c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() : undefined;
    c.set("secure", publicHttps || forwarded === "https" || new URL(c.req.url).protocol === "https:");
    await next();
  };
}
