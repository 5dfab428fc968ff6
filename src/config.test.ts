import { describe, expect, it } from "vitest";
import { loadLarkConfig } from "../bot/lark/config";
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

    // statements are kept prepared unless switched off (PgBouncer before 1.21 in transaction mode)
    expect(loadConfig({}).preparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "0" }).preparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: "off" })).toThrow("DATABASE_PREPARED_STATEMENTS 只能是 1 或 0，例如 PgBouncer 1.21 以前的事务池模式下设 DATABASE_PREPARED_STATEMENTS=0");
  });
});

describe("loadConfig: every variable checked at start-up, a wrong one named with a correct example", () => {
  const refused: Array<[Record<string, string>, string]> = [
    [{ TIME_ZONE: "UTC+8" }, "TIME_ZONE: TIME_ZONE 须是 IANA 时区名，例如 TIME_ZONE=Asia/Shanghai"],
    [{ TIME_ZONE: "CST" }, "TIME_ZONE: TIME_ZONE 须是 IANA 时区名，例如 TIME_ZONE=Asia/Shanghai"],
    [{ TIME_ZONE: "Asia/Beijing" }, "TIME_ZONE: TIME_ZONE 须是 IANA 时区名，例如 TIME_ZONE=Asia/Shanghai"],
    [{ END_OF_WORKDAY: "5:30pm" }, "END_OF_WORKDAY: 下班时间格式为 HH:mm，例如 17:30"],
    [{ WORKING_HOURS: "18:00-09:00" }, "WORKING_HOURS: 工作时间的结束须晚于开始，例如 09:00-18:00"],
    [{ ORG_SYNC_WINDOW: "2-6" }, "ORG_SYNC_WINDOW: 通讯录夜间同步时段格式为 HH:mm-HH:mm，例如 ORG_SYNC_WINDOW=02:00-06:00"],
    [{ ORG_SYNC_WINDOW: "06:00-02:00" }, "ORG_SYNC_WINDOW: 通讯录夜间同步时段的结束须晚于开始，例如 ORG_SYNC_WINDOW=02:00-06:00"],
    [{ PORT: "99999" }, "PORT: 端口须为 0 到 65535 的整数，例如 PORT=8787"],
    [{ PORT: "http" }, "PORT: 端口须为 0 到 65535 的整数，例如 PORT=8787"],
    [{ DATABASE_URL: "mysql://db/xt" }, "DATABASE_URL: DATABASE_URL 是 PostgreSQL 连接串，例如 postgres://"],
    [{ URGE_INTERVAL_HOURS: "-1" }, "URGE_INTERVAL_HOURS: URGE_INTERVAL_HOURS 须为正数（小时），例如 4"],
    [{ OUTBOX_PARK_AFTER_HOURS: "soon" }, "OUTBOX_PARK_AFTER_HOURS: OUTBOX_PARK_AFTER_HOURS 须为正数，例如 24"],
    [{ ACCEPT_WORKING_DAYS: "45" }, "ACCEPT_WORKING_DAYS: 签收时限最多 30 个工作日，例如 1"],
    [{ SUPERVISE_AFTER_WORKING_DAYS: "-2" }, "SUPERVISE_AFTER_WORKING_DAYS: 督办天数须为 0 到 30，例如 2（0 为不督办）"],
    [{ METRICS_TOKEN: "short" }, "METRICS_TOKEN: METRICS_TOKEN 至少 16 个字符、不含空白，例如用 openssl rand -hex 24 生成"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL: LOG_LEVEL 只能是 debug、info、warn、error、silent，例如 LOG_LEVEL=info"],
    [{ SHUTDOWN_TIMEOUT_SECONDS: "0" }, "SHUTDOWN_TIMEOUT_SECONDS: SHUTDOWN_TIMEOUT_SECONDS 须为 1 到 600 的整数（秒），例如 20"],
  ];
  it.each(refused)("%j is refused", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("every wrong variable is named at once, and good values are taken", () => {
    expect(() => loadConfig({ TIME_ZONE: "CST", PORT: "-1" })).toThrow(/PORT: [\s\S]*\n {2}TIME_ZONE: /);
    expect(loadConfig({ TIME_ZONE: "Europe/Berlin", METRICS_TOKEN: "0123456789abcdef0123", LOG_LEVEL: "warn", SHUTDOWN_TIMEOUT_SECONDS: "45" })).toMatchObject({
      deadline: { timeZone: "Europe/Berlin" },
      metricsToken: "0123456789abcdef0123",
      logLevel: "warn",
      shutdownTimeoutMs: 45_000,
    });
    expect(loadConfig({})).toMatchObject({ deadline: { timeZone: "Asia/Shanghai" }, metricsToken: undefined, logLevel: "info", shutdownTimeoutMs: 20_000 });
  });
});

describe("loadLarkConfig: the Lark variables", () => {
  it("refuses a malformed app id, a missing secret, a wrong mode or domain, with an example", () => {
    expect(() => loadLarkConfig({ LARK_APP_ID: "a1b2c3" })).toThrow("LARK_APP_ID: LARK_APP_ID 是开放平台「凭证与基础信息」页的 App ID，形如 cli_a1b2c3d4e5f60718");
    expect(() => loadLarkConfig({ LARK_APP_ID: "cli_a1b2c3d4e5f60718" })).toThrow("设置了 LARK_APP_ID 就必须同时设置 LARK_APP_SECRET，例如 LARK_APP_ID=cli_a1b2c3d4e5f60718 LARK_APP_SECRET=<App Secret> npm start");
    expect(() => loadLarkConfig({ LARK_MODE: "websocket" })).toThrow("LARK_MODE: LARK_MODE 只能是 webhook（事件订阅）或 ws（长连接），例如 LARK_MODE=webhook");
    expect(() => loadLarkConfig({ LARK_DOMAIN: "open.feishu.cn" })).toThrow("LARK_DOMAIN: LARK_DOMAIN 只能是 feishu、lark，或私有化部署的地址（不带路径），例如 LARK_DOMAIN=https://open.feishu.example.gov.cn");
    expect(() => loadLarkConfig({ LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "s" })).toThrow("例如 LARK_VERIFICATION_TOKEN=<Verification Token>；或改用长连接 LARK_MODE=ws");
  });

  it("takes a private deployment's address and the long connection", () => {
    expect(loadLarkConfig({ LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "s", LARK_MODE: "ws", LARK_DOMAIN: "https://open.feishu.example.gov.cn" })).toMatchObject({
      mode: "ws",
      domain: "https://open.feishu.example.gov.cn",
    });
    expect(loadLarkConfig({})).toBeNull();
  });
});
