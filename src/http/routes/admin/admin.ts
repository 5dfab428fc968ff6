import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { orgImporter } from "../../../commands/orgImporter";
import { planRequest } from "../../../commands/requestPlanner";
import { importDocument, IMPORT_EXAMPLE } from "../../../domain/importFormat";
import { PRIORITIES } from "../../../domain/types";
import { presentPlan } from "../../../presenters/plan";
import type { AppEnv } from "../../env";
import { bearerAuth } from "../../middleware/bearer-auth";
import { ImportReportSchema, PlanSchema } from "../../schemas";
import { describe, jsonBody, readJsonBody } from "../../validation";

export const dryRunBody = z.object({
  text: z.string({ message: "请填写 text：/发起 之后的内容" }).trim().min(1, "text 不能为空：填写 /发起 之后的内容"),
  fromDepartment: z.string({ message: "请填写 fromDepartment：发起部门编码" }).trim().min(1, "fromDepartment 不能为空：填写发起部门编码"),
  category: z.string().trim().min(1).optional(),
  priority: z.enum(PRIORITIES).optional(),
  submittedAt: z.iso.datetime({ offset: true, message: "submittedAt 须为 ISO 时间，例如 2026-09-30T10:00:00+08:00" }).optional(),
});
export const DRY_RUN_EXAMPLE = { text: "@市监局 核查某公司营业执照 截止:3个工作日", fromDepartment: "dh-binjiang" };

/** Admin API: configuration in, routing answers out. */
export const adminRoutes = new Hono<AppEnv>()
  .use("*", bearerAuth({ roles: ["admin"] }))
  .post(
    "/import",
    describe(
      {
        tag: "管理",
        auth: "admin",
        summary: "导入组织",
        description: "部门、人员与角色、路由规则、节假日调整，格式见 domain.md。全部成功才生效：有任何一项有误则不做任何改动，422 答复中列出每一项的原因。按 code / openId 更新已有的；改动的路由规则成为新版本。",
        responses: {
          200: { description: "已导入", schema: ImportReportSchema },
          422: { description: "未导入：文件格式有误（invalid_import），或有项目被拒绝（import_rejected，error.report 列出每一项及原因）" },
        },
      },
      { body: { schema: importDocument, example: JSON.parse(IMPORT_EXAMPLE) } },
    ),
    async (c) => {
      // An empty body is refused, not read as an empty document (which would import nothing and say "applied").
      const body = await readJsonBody(c, IMPORT_EXAMPLE, false);
      if (!body.ok) return body.answer;
      // The importer checks every item itself, so that the report can list each rejected one with its reason.
      const report = await runCommand(c.get("deps"), c.get("actor"), orgImporter, body.value);
      return c.json(report, 200);
    },
  )
  .post(
    "/routing/dry-run",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "路由试算",
      description: "给出发起部门与 /发起 的内容，答复承办部门、命中的规则及版本、办理要求与截止时间，不写入任何数据。",
      responses: { 200: { description: "试算结果", schema: PlanSchema }, 422: { description: "无法试算：部门不存在或不明确、没有可路由的承办部门等，附候选部门" } },
    }),
    jsonBody(dryRunBody, DRY_RUN_EXAMPLE),
    async (c) => {
      const deps = c.get("deps");
      const { submittedAt, ...rest } = c.req.valid("json");
      const plan = await planRequest(deps, deps.db.kysely, { ...rest, submittedAt: submittedAt ? new Date(submittedAt) : undefined });
      return c.json(presentPlan(plan));
    },
  );
