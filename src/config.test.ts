import { describe, expect, it } from "vitest";
import { listenHost, loadConfig } from "./config";

// Where `npm start` listens, and when the offline sandbox refuses to start.

describe("listenHost", () => {
  it("a configured Lark app listens on every interface unless HOST says otherwise", () => {
    expect(listenHost(loadConfig({}), false)).toBe("0.0.0.0");
    expect(listenHost(loadConfig({ HOST: "127.0.0.1", DATABASE_URL: "postgres://db/xt" }), false)).toBe("127.0.0.1");
  });

  it("the sandbox listens on loopback only by default", () => {
    expect(listenHost(loadConfig({}), true)).toBe("127.0.0.1");
    expect(listenHost(loadConfig({ HOST: "::1" }), true)).toBe("::1");
  });

  it("the sandbox refuses a real database or another address unless SANDBOX=1 asks for it", () => {
    expect(() => listenHost(loadConfig({ DATABASE_URL: "postgres://db/xt" }), true)).toThrow(/不能连接正式数据库（DATABASE_URL）[\s\S]*SANDBOX=1 DATABASE_URL=/);
    expect(() => listenHost(loadConfig({ HOST: "0.0.0.0" }), true)).toThrow(/不能监听 HOST=0\.0\.0\.0[\s\S]*SANDBOX=1 HOST=0\.0\.0\.0 npm start/);
    expect(listenHost(loadConfig({ DATABASE_URL: "postgres://db/xt", SANDBOX: "1" }), true)).toBe("127.0.0.1");
    expect(listenHost(loadConfig({ HOST: "0.0.0.0", SANDBOX: "1" }), true)).toBe("0.0.0.0");
  });

  it("bad values are refused with a correct example", () => {
    expect(() => loadConfig({ SANDBOX: "ja" })).toThrow("SANDBOX 只能是 1 或 0，例如 SANDBOX=1");
    expect(() => loadConfig({ HOST: "http://0.0.0.0:80" })).toThrow("例如 127.0.0.1 或 0.0.0.0");
    expect(() => loadConfig({ PUBLIC_URL: "xietong.example.gov.cn" })).toThrow("例如 https://xietong.example.gov.cn");
    expect(loadConfig({ PUBLIC_URL: "https://xietong.example.gov.cn/", TRUST_PROXY: "1" })).toMatchObject({ publicUrl: "https://xietong.example.gov.cn", trustProxy: true });
  });
});
