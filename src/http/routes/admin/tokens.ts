import { Hono } from "hono";
import { z } from "zod";
import { apiTokenIssuer } from "../../../commands/apiTokenIssuer";
import { apiTokenRevoker } from "../../../commands/apiTokenRevoker";
import { runCommand } from "../../../commands/context";
import { listApiTokens, TOKEN_ROLES } from "../../../db/repositories/apiTokens";
import { presentApiToken } from "../../../presenters/apiToken";
import type { AppEnv } from "../../env";
import { bearerAuth } from "../../middleware/bearer-auth";
import { describe, idParam, jsonBody, pathParams } from "../../validation";

/**
 * A new token: `role` admin or supervisor for a system of our own, or `openId` of a person (role integration, the
 * default then) so that another system acts for them. The mini-app form validates with this same schema.
 */
export const tokenBody = z
  .object({
    name: z.string({ message: "请填写 name：令牌的用途，如 政务服务网对接" }).trim().min(1, "name 不能为空：写明令牌的用途，如 政务服务网对接").max(100, "name 最长 100 字"),
    role: z.enum(TOKEN_ROLES, { message: "role 只能是 admin（管理员）、supervisor（督查）或 integration（代表某人）" }).optional(),
    openId: z.string().trim().min(1, "openId 不能为空").max(100).optional().meta({ description: "代表的人员；填写后令牌以此人的身份与权限调用 /api" }),
  })
  .superRefine((v, ctx) => {
    if (v.openId && v.role && v.role !== "integration") {
      ctx.addIssue({ code: "custom", path: ["role"], message: "绑定人员的令牌只能以该人员的身份调用，role 须为 integration 或不填" });
    }
    if (!v.openId && v.role === "integration") {
      ctx.addIssue({ code: "custom", path: ["openId"], message: "role 为 integration 时须填写 openId：令牌代表哪位人员" });
    }
  })
  .transform((v) => ({ name: v.name, openId: v.openId, role: v.role ?? (v.openId ? ("integration" as const) : ("admin" as const)) }));
const TOKEN_EXAMPLE = { name: "政务服务网对接", openId: "ou_zhangwei" };

const TokenSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  user: z.strictObject({ openId: z.string(), name: z.string() }).nullable().meta({ description: "绑定的人员；null 为不代表任何人的系统令牌" }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().meta({ description: "最后一次被接受的调用；被拒绝的调用不记" }),
  revokedAt: z.string().nullable(),
});
const IssuedSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  user: z.strictObject({ openId: z.string(), name: z.string() }).nullable(),
  token: z.string().meta({ description: "令牌原文，只在此答复中出现一次；系统只保存其摘要" }),
});

/** 访问令牌: list, create (the secret shown once), revoke; each change audited. */
export const tokenRoutes = new Hono<AppEnv>()
  .use("*", bearerAuth({ roles: ["admin"], sessions: true }))
  .get(
    "/",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "访问令牌列表",
      description: "全部访问令牌（不含令牌原文与摘要）：用途、角色、绑定的人员、生成、最后使用与吊销时间；在用的在前。",
      responses: { 200: { description: "令牌", schema: z.strictObject({ items: z.array(TokenSchema) }) } },
    }),
    async (c) => c.json({ items: (await listApiTokens(c.get("deps").db.kysely)).map(presentApiToken) }),
  )
  .post(
    "/",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "生成访问令牌",
      description:
        "role 为 admin 或 supervisor：供本单位系统调用管理或督查接口；填写 openId（role 为 integration）：令牌代表该人员，对接系统以其身份和权限调用 /api。令牌原文只在本次答复中显示一次，系统只保存摘要。操作记入组织留痕。",
      responses: { 201: { description: "已生成", schema: IssuedSchema }, 404: { description: "openId 所指的人员不存在或已停用" } },
    }),
    jsonBody(tokenBody, TOKEN_EXAMPLE),
    async (c) => {
      const input = c.req.valid("json");
      const r = await runCommand(c.get("deps"), c.get("actor"), apiTokenIssuer, input);
      return c.json({ id: r.id, name: input.name, role: input.role, user: r.user, token: r.token }, 201);
    },
  )
  .post(
    "/:id{[0-9]+}/revoke",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "吊销访问令牌",
      description: "吊销后，用该令牌的调用一律答复 401。操作记入组织留痕。",
      params: { id: "令牌 id" },
      responses: {
        200: { description: "已吊销", schema: z.strictObject({ id: z.number().int(), name: z.string() }) },
        404: { description: "没有该 id 的令牌" },
        409: { description: "令牌早已吊销" },
      },
    }),
    pathParams(z.object({ id: idParam }), "/api/admin/tokens/3/revoke"),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), apiTokenRevoker, { id: c.req.valid("param").id })),
  );
