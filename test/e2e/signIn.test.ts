import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotRuntime } from "../../bot/runtime";
import type { AppConfig } from "../../src/config";
import { createApp } from "../../src/http/app";
import type { OpenApiDocument } from "../../src/http/openapi";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// Signing in to the mini-app with a platform code, through the real SDK and the sandbox platform: the session
// cookie behind a TLS proxy, and what a person is told when the platform fails or does not know them.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h?.close());

/** The product as deployed with these settings, served in-process. */
const appWith = (config: Partial<AppConfig>) => createApp({ ...h.deps, config: { ...h.deps.config, ...config } }, { routes: h.bot.routes, signIn: h.bot.signIn });

async function signIn(app: { request: ReturnType<typeof createApp>["request"] }, code: string, headers: Record<string, string> = {}, url = "/api/auth/code") {
  const res = await app.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ code }) });
  return { status: res.status, cookie: res.headers.get("set-cookie") ?? "", body: (await res.json()) as { error?: { code: string; message: string } } };
}
const SECURE = /; Secure(;|$)/;

describe("the session cookie behind a TLS proxy", () => {
  it("X-Forwarded-Proto is believed only from a trusted proxy", async () => {
    const forwarded = { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" };
    const untrusted = await signIn(appWith({}), h.sandbox.issueAuthCode("ou_zhangwei"), forwarded);
    expect(untrusted.status).toBe(200);
    expect(untrusted.cookie).toMatch(/^xt_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);

    const trusted = appWith({ trustProxy: true });
    const viaTls = await signIn(trusted, h.sandbox.issueAuthCode("ou_zhangwei"), forwarded);
    expect(viaTls.cookie).toMatch(/^xt_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect((await signIn(trusted, h.sandbox.issueAuthCode("ou_zhangwei"), { "x-forwarded-proto": "http" })).cookie).not.toMatch(SECURE);
    expect((await signIn(trusted, h.sandbox.issueAuthCode("ou_zhangwei"))).cookie).not.toMatch(SECURE);
  });

  it("an https PUBLIC_URL, or a request that is itself https, always gets Secure", async () => {
    const pub = await signIn(appWith({ publicUrl: "https://xietong.example.gov.cn" }), h.sandbox.issueAuthCode("ou_zhangwei"));
    expect(pub.status).toBe(200);
    expect(pub.cookie).toMatch(SECURE);
    expect((await signIn(appWith({ publicUrl: "http://10.0.0.5:8787" }), h.sandbox.issueAuthCode("ou_zhangwei"))).cookie).not.toMatch(SECURE);
    expect((await signIn(appWith({}), h.sandbox.issueAuthCode("ou_zhangwei"), {}, "https://xietong.example.gov.cn/api/auth/code")).cookie).toMatch(SECURE);
  });

  it("signing out clears the cookie with the same attributes", async () => {
    const app = appWith({ trustProxy: true });
    const s = await signIn(app, h.sandbox.issueAuthCode("ou_zhangwei"), { "x-forwarded-proto": "https" });
    const out = await app.request("/api/auth/logout", { method: "POST", headers: { cookie: s.cookie.split(";")[0]!, "x-forwarded-proto": "https" } });
    expect(out.headers.get("set-cookie")).toMatch(/^xt_session=; Max-Age=0; Path=\/; Secure/);
  });
});

describe("when sign-in cannot succeed", () => {
  it("someone the platform knows but xietong does not is refused with 403, not a server error", async () => {
    const res = await signIn(h.app, h.sandbox.issueAuthCode("ou_stranger"));
    expect(res).toMatchObject({ status: 403, body: { error: { code: "not_registered", message: "您还没有登记在协同系统中，请联系本单位管理员。" } } });
  });

  it("the sandbox's sign-in refuses a person it does not have, with a Chinese answer and an example", async () => {
    const post = (body: string) => fetch(`${h.base}/sandbox/api/login-code`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const unknown = await post(JSON.stringify({ openId: "ou_stranger" }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe("沙箱中没有用户 ou_stranger：请从「当前用户」中选择一位演示用户。");
    const missing = await post("not json");
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toBe('请填写 openId，例如 {"openId":"ou_liuyang"}');
    const known = await post(JSON.stringify({ openId: "ou_liuyang" }));
    expect(known.status).toBe(200);
    expect((await signIn(h.app, (await known.json()).code)).status).toBe(200);
  });

  it("the platform answering with an error is a 502 that says so", async () => {
    h.sandbox.failSignIns({ status: 500, count: 1 });
    const res = await signIn(h.app, h.sandbox.issueAuthCode("ou_zhangwei"));
    expect(res).toMatchObject({
      status: 502,
      body: { error: { code: "platform_error", message: "登录失败：飞书开放平台返回错误（HTTP 500，错误码 1），请稍后重试；如果问题持续，请联系管理员。" } },
    });
    expect((await signIn(h.app, h.sandbox.issueAuthCode("ou_zhangwei"))).status).toBe(200);
  });

  it("the platform not answering in time is a 503 asking to try again", async () => {
    h.sandbox.failSignIns({ status: "timeout", count: 1 });
    const res = await signIn(h.app, h.sandbox.issueAuthCode("ou_zhangwei"));
    expect(res).toMatchObject({ status: 503, body: { error: { code: "platform_unreachable", message: "登录失败：暂时无法连接飞书开放平台，请稍后重试。" } } });
  });

  it("a platform nobody answers at is a 503 too", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = serve({ fetch: () => new Response(), port: 0, hostname: "127.0.0.1" }, () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    // A second instance on the same database, configured for a Lark app at an address where nothing listens.
    const env = { LARK_APP_ID: "cli_a1b2c3d4e5f60719", LARK_APP_SECRET: "secret", LARK_VERIFICATION_TOKEN: "v", LARK_DOMAIN: `http://127.0.0.1:${closed}` };
    const bot = createBotRuntime(h.deps, env);
    await bot.start("http://127.0.0.1:1");
    try {
      const res = await signIn(createApp(h.deps, { routes: bot.routes, signIn: bot.signIn }), "any-code");
      expect(res).toMatchObject({ status: 503, body: { error: { code: "platform_unreachable", message: "登录失败：暂时无法连接飞书开放平台，请稍后重试。" } } });
    } finally {
      await bot.stop();
    }
  });

  it("the API documentation lists these answers", async () => {
    const doc = (await (await fetch(`${h.base}/api/openapi.json`)).json()) as OpenApiDocument;
    const responses = doc.paths["/api/auth/code"]!.post!.responses as Record<string, { description: string }>;
    expect(Object.keys(responses).sort()).toEqual(["200", "400", "403", "422", "502", "503"]);
    expect(responses["502"]!.description).toContain("飞书开放平台返回错误");
    expect(responses["503"]!.description).toContain("无法连接飞书开放平台");
  });
});
