import { Hono } from "hono";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../../test/support/db";
import { handleError } from "./errors";

// The last resort: a value PostgreSQL itself refuses (validation should have caught it) is the caller's input, so
// it is answered 400 in Chinese, never 500. The errors come from a real database.

let db: Db;
let app: Hono;
beforeAll(async () => {
  db = await createTestDb();
  app = new Hono();
  app.onError(handleError);
  app.get("/text", async (c) => c.json(await sql`select ${c.req.query("v") ?? ""}::text as v`.execute(db.kysely)));
  app.get("/int", async (c) => c.json(await sql`select ${c.req.query("v") ?? ""}::int as v`.execute(db.kysely)));
  app.get("/time", async (c) => c.json(await sql`select ${c.req.query("v") ?? ""}::timestamptz as v`.execute(db.kysely)));
  app.get("/fault", async (c) => c.json(await sql`select * from no_such_table`.execute(db.kysely)));
});
afterAll(() => db.close());

const answer = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
};

describe("database refusals", () => {
  it("a NUL byte, an integer past int4 and a date out of range are 400 with a Chinese reason", async () => {
    const nul = await answer("/text?v=a%00b");
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe("invalid_input");
    expect(nul.body.error.message).toMatch(/空字符|字符编码/);
    expect(await answer("/int?v=2147483648")).toEqual({ status: 400, body: { error: { code: "invalid_input", message: "输入的数字超出范围：编号、id 须为 1 到 2147483647 的整数。" } } });
    expect((await answer("/time?v=300000-01-01")).status).toBe(400);
    expect((await answer("/int?v=abc")).body.error.message).toBe("输入的值格式有误，请检查数字、日期等参数。");
  });

  it("a fault of the server stays a 500 that reveals nothing", async () => {
    expect(await answer("/fault")).toEqual({ status: 500, body: { error: { code: "internal_error", message: "服务器内部错误，请稍后重试；如果问题持续，请联系管理员。" } } });
  });
});
