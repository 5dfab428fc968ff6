import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { escalationPolicyRemover } from "../../../commands/escalationPolicyRemover";
import { escalationPolicySaver } from "../../../commands/escalationPolicySaver";
import { listEscalationPolicies } from "../../../db/repositories/escalationPolicies";
import { escalationPolicyItem } from "../../../domain/importFormat";
import { policySettings } from "../../../domain/escalation";
import { PRIORITIES } from "../../../domain/types";
import { presentEscalationPolicy } from "../../../presenters/escalationPolicy";
import type { AppEnv } from "../../env";
import { adminAuth } from "../../middleware/admin-auth";
import { describe, jsonBody, pathParams } from "../../validation";

const codeParam = z.object({ code: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "编码只能包含小写字母、数字、- 和 _，例如 licence-remind") });
/** The body of PUT: the import's policy item without its code (the path names it). */
const policyBody = escalationPolicyItem.omit({ code: true });
const PolicySchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  rule: z.string().nullable().meta({ description: "只适用于该路由规则；null 为全部规则" }),
  priority: z.enum(PRIORITIES).nullable().meta({ description: "只适用于该紧急程度；null 为全部" }),
  settings: policySettings.meta({ description: "只写要改的项，其余沿用默认或更宽的策略" }),
  updatedAt: z.string().meta({ description: "ISO 8601 时间" }),
});
const SavedSchema = z.strictObject({
  policy: PolicySchema,
  created: z.boolean(),
  changed: z.boolean().meta({ description: "false：与现有策略相同，未做改动" }),
  rearmedTasks: z.number().int().meta({ description: "按新策略重新计算未触发提醒步骤的在办任务数" }),
});

/** 督办策略: list, create or change one, delete one; each change audited and applied to open tasks' unfired steps. */
export const policyRoutes = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get(
    "/",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "督办策略列表",
      description: "已设置的临期提醒、超期通知、督办策略（按编码排序）。未设置的项按默认：签收时限 1 个工作日，到期前一个工作日 09:00 临期提醒（特急提前 4 个工作小时），超期通知，到期后 2 个工作日督办。",
      responses: { 200: { description: "策略", schema: z.strictObject({ items: z.array(PolicySchema) }) } },
    }),
    async (c) => c.json({ items: (await listEscalationPolicies(c.get("deps").db.kysely)).map(presentEscalationPolicy) }),
  )
  .put(
    "/:code",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "新建或修改督办策略",
      description: "字段与导入文件的 escalationPolicies 相同（编码写在路径中）。同一适用范围（规则、紧急程度）只能有一条策略。改动记入组织留痕，并对在办任务尚未触发的提醒步骤按新策略重新计算；已触发的不再重复。",
      params: { code: "策略编码" },
      responses: { 200: { description: "已保存", schema: SavedSchema }, 422: { description: "引用的规则不存在，或该适用范围已有别的策略" } },
    }),
    pathParams(codeParam, "/api/admin/escalation-policies/licence-remind"),
    jsonBody(policyBody, { name: "证照核查督办", rule: "licence", superviseAfterWorkingDays: 3 }),
    async (c) => {
      const { code } = c.req.valid("param");
      const r = await runCommand(c.get("deps"), c.get("actor"), escalationPolicySaver, { ...c.req.valid("json"), code });
      const saved = (await listEscalationPolicies(c.get("deps").db.kysely)).find((p) => p.code === code)!;
      return c.json({ policy: presentEscalationPolicy(saved), ...r });
    },
  )
  .delete(
    "/:code",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "删除督办策略",
      description: "删除后恢复默认（或更宽范围的策略），记入组织留痕，在办任务尚未触发的步骤重新计算。",
      params: { code: "策略编码" },
      responses: {
        200: { description: "已删除", schema: z.strictObject({ rearmedTasks: z.number().int() }) },
        404: { description: "没有该编码的策略" },
      },
    }),
    pathParams(codeParam, "/api/admin/escalation-policies/licence-remind"),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), escalationPolicyRemover, { code: c.req.valid("param").code })),
  );
