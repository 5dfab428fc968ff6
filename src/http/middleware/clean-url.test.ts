import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../env";
import { cleanUrl } from "./clean-url";

const app = new Hono<AppEnv>()
  .use("/api/*", cleanUrl({ example: "/api/requests/XT-2026-000001" }))
  .get("/api/requests/:number", (c) => c.json({ number: c.req.param("number"), q: c.req.query("q") ?? null }));

const refusal = (what: string) => ({
  error: {
    code: "invalid_input",
    message: `${what}含有无效的编码或不允许的字符（如空字符 %00、不成对的代理项）：请按 UTF-8 正确编码后重试。`,
    example: "/api/requests/XT-2026-000001",
  },
});

describe("cleanUrl", () => {
  it("passes a well-encoded address, Chinese included", async () => {
    const res = await app.request(`/api/requests/XT-2026-000001?q=${encodeURIComponent("营业执照 100%")}`);
    expect(await res.json()).toEqual({ number: "XT-2026-000001", q: "营业执照 100%" });
  });

  it("refuses a NUL byte in the path or the query", async () => {
    const path = await app.request("/api/requests/XT-2026-%00");
    expect(path.status).toBe(400);
    expect(await path.json()).toEqual(refusal("请求路径"));
    const query = await app.request("/api/requests/XT-2026-000001?q=a%00b");
    expect(query.status).toBe(400);
    expect(await query.json()).toEqual(refusal("查询参数"));
  });

  it("refuses a lone surrogate and broken percent-encoding", async () => {
    for (const bad of ["/api/requests/%ED%A0%80", "/api/requests/%FF", "/api/requests/x?q=%zz", "/api/requests/x?%E4%B8=1"]) {
      const res = await app.request(bad);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
    }
  });
});
