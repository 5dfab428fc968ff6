import { Hono } from "hono";
import { z } from "zod";
import { acceptDeadline } from "../../../commands/escalationPolicy";
import { planRequest, type PlanInput } from "../../../commands/requestPlanner";
import { routingRuleReorderer } from "../../../commands/routingRuleReorderer";
import { routingRuleSaver, RULE_EXAMPLE } from "../../../commands/routingRuleSaver";
import { runCommand, type Deps } from "../../../commands/context";
import { listCurrentRules, toRoutingRule } from "../../../db/repositories/org";
import { findCurrentRule, listRuleVersions } from "../../../db/repositories/routingRules";
import type { RoutingRuleRow } from "../../../db/tables";
import { code as codeSchema, ruleItem, type RuleItem } from "../../../domain/importFormat";
import { describeChange, diffRule } from "../../../domain/ruleHistory";
import { preemptions } from "../../../domain/routing";
import { DomainError } from "../../../domain/types";
import { presentPlan } from "../../../presenters/plan";
import type { AppEnv } from "../../env";
import { errorBody } from "../../errors";
import { PlanSchema } from "../../schemas";
import { adminAuth } from "../../middleware/admin-auth";
import { describe, jsonBody, pathParams } from "../../validation";
import { dryRunBody, DRY_RUN_EXAMPLE } from "./admin";

// 路由规则 in the admin console: the list by priority (with rules another catches first), each rule's versions
// with what changed, saving a new version, reordering, and the tester that routes a text by the rules as saved
// and as edited. Routing itself is the planner's (the one /发起 and its preview use).

const ruleBody = ruleItem.omit({ code: true });
const codeParam = z.object({ code: codeSchema });
const reorderBody = z.object({ codes: z.array(codeSchema).min(1, "请列出全部规则的编码") });
const testerBody = dryRunBody.extend({
  draft: ruleItem.optional().meta({ description: "表单中尚未保存的规则（含 code）；给出时同时按“修改后”的规则试算" }),
});
const RULE_BODY_EXAMPLE = JSON.parse(RULE_EXAMPLE) as z.input<typeof ruleBody>;

const jsonish = z.unknown();
const RuleSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  version: z.number().int(),
  priority: z.number().int().meta({ description: "数字小的先匹配" }),
  enabled: z.boolean(),
  match: z.record(z.string(), jsonish),
  action: z.record(z.string(), jsonish),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  preemptedBy: z.strictObject({ code: z.string(), name: z.string() }).nullable().meta({ description: "关键词与之重叠、顺序更靠前的规则" }),
  warning: z.string().nullable().meta({ description: "如「被规则 证照核查（licence）抢先匹配」" }),
});

function presentRule(r: RoutingRuleRow, preemptedBy: { code: string; name: string } | null) {
  return {
    code: r.code,
    name: r.name,
    version: r.version,
    priority: r.priority,
    enabled: r.enabled,
    match: r.match,
    action: r.action,
    createdBy: r.createdBy,
    createdAt: new Date(r.createdAt).toISOString(),
    preemptedBy,
    warning: preemptedBy ? `被规则 ${preemptedBy.name}（${preemptedBy.code}）抢先匹配` : null,
  };
}

/** A rule as edited, routed as if saved: the next version of its code, in place of the current one. */
function draftRow(draft: RuleItem, current: RoutingRuleRow | undefined, at: Date): RoutingRuleRow {
  return {
    id: -1,
    code: draft.code,
    version: (current?.version ?? 0) + 1,
    name: draft.name,
    priority: draft.priority,
    enabled: draft.enabled,
    match: draft.match,
    action: draft.action,
    isCurrent: true,
    createdBy: null,
    createdAt: at,
  };
}

/** The plan (with the 签收时限 too), or the refusal the requester would get, as data. */
/** One side of the tester's answer: the plan as /发起 would make it, or why it could not route. */
const TesterOutcomeSchema = z.union([
  z.strictObject({ ok: z.literal(true), plan: PlanSchema.extend({ acceptDueAt: z.string().meta({ description: "签收时限" }) }) }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.string(), message: z.string(), candidates: z.array(z.strictObject({ code: z.string(), name: z.string() })).optional() }),
  }),
]);
const TesterAnswerSchema = z.strictObject({ saved: TesterOutcomeSchema, edited: TesterOutcomeSchema.nullable() });

async function tryPlan(deps: Deps, input: PlanInput) {
  const db = deps.db.kysely;
  try {
    const plan = await planRequest(deps, db, input);
    const acceptDueAt = await acceptDeadline(db, deps, {
      ruleCode: plan.rule?.code ?? null,
      ruleAcceptWorkingDays: plan.rule?.action.acceptWorkingDays,
      priority: plan.priority,
      dueAt: plan.dueAt,
      at: plan.submittedAt,
    });
    return { ok: true as const, plan: { ...presentPlan(plan), acceptDueAt: acceptDueAt.toISOString() } };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const candidates = err.candidates?.map((d) => ({ code: d.code, name: d.name }));
    return { ok: false as const, error: { code: err.code, message: err.message, ...(candidates ? { candidates } : {}) } };
  }
}

export const ruleRoutes = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get(
    "/",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "路由规则列表",
      description: "各规则的当前版本，按优先级（数字小的先匹配）排列；关键词与更靠前的规则重叠的，标出「被规则 X 抢先匹配」。",
      responses: { 200: { description: "规则", schema: z.strictObject({ items: z.array(RuleSchema) }) } },
    }),
    async (c) => {
      const rows = await listCurrentRules(c.get("deps").db.kysely);
      const first = preemptions(rows.map(toRoutingRule));
      return c.json({ items: rows.map((r) => presentRule(r, first.has(r.code) ? { code: first.get(r.code)!.code, name: first.get(r.code)!.name } : null)) });
    },
  )
  .get(
    "/:code/history",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "规则的版本历史",
      description: "该规则的每个版本（新的在前）：谁、何时保存，匹配条件与办理要求改了什么，以及按该版本路由的任务数。",
      params: { code: "规则编码" },
      responses: { 200: { description: "版本" }, 404: { description: "没有该编码的规则" } },
    }),
    pathParams(codeParam, "/api/admin/rules/licence/history"),
    async (c) => {
      const db = c.get("deps").db.kysely;
      const { code } = c.req.valid("param");
      const versions = await listRuleVersions(db, code);
      if (versions.length === 0) return c.json(errorBody("not_found", `没有编码为 ${code} 的路由规则。`, { example: "/api/admin/rules/licence/history" }), 404);
      const counts = await db
        .selectFrom("tasks")
        .select(["ruleId", (eb) => eb.fn.countAll<string>().as("n")])
        .where("ruleId", "in", versions.map((v) => v.id))
        .groupBy("ruleId")
        .execute();
      const tasksOf = new Map(counts.map((r) => [r.ruleId, Number(r.n)]));
      const items = versions.map((v, i) => {
        const changes = diffRule(i === 0 ? null : versions[i - 1]!, v).map((ch) => ({ ...ch, text: describeChange(ch) }));
        return { ...presentRule(v, null), current: v.isCurrent, tasks: tasksOf.get(v.id) ?? 0, changes };
      });
      return c.json({ code, items: items.reverse() });
    },
  )
  .put(
    "/:code",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "新建或修改路由规则",
      description: "字段与导入文件的 rules 相同（编码写在路径中）。有改动时保存为新版本并记入组织留痕；已路由的任务仍记着原来的版本。停用：enabled 为 false。",
      params: { code: "规则编码" },
      responses: { 200: { description: "已保存（changed 为 false：与当前版本相同，未做改动）" }, 422: { description: "引用的部门不存在，或主办部门不在承办部门中" } },
    }),
    pathParams(codeParam, "/api/admin/rules/licence"),
    jsonBody(ruleBody, RULE_BODY_EXAMPLE),
    async (c) => {
      const { code } = c.req.valid("param");
      const saved = await runCommand(c.get("deps"), c.get("actor"), routingRuleSaver, { ...c.req.valid("json"), code });
      return c.json(saved);
    },
  )
  .post(
    "/reorder",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "调整规则顺序",
      description: "按新顺序列出全部规则的编码；优先级依次改为 10、20、30…，优先级有变的规则各保存为新版本。",
      responses: { 200: { description: "改了优先级的规则" }, 422: { description: "所列编码不是全部规则各一次" } },
    }),
    jsonBody(reorderBody, { codes: ["closure", "licence", "tax-proof"] }),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), routingRuleReorderer, c.req.valid("json"))),
  )
  .post(
    "/test",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "规则试算（保存前后对比）",
      description: "与 /发起 相同的路由：按已保存的规则，以及（给出 draft 时）按修改后尚未保存的规则，答复承办部门、命中的规则及版本、办理要求、签收时限与办结时限和说明；不写入任何数据。无法路由时在 saved / edited 中给出原因。",
      responses: { 200: { description: "两种结果：按已保存的规则（saved）与按修改后的规则（edited，未给 draft 时为 null）", schema: TesterAnswerSchema } },
    }),
    jsonBody(testerBody, { ...DRY_RUN_EXAMPLE, draft: { code: "licence", ...RULE_BODY_EXAMPLE, action: { targets: ["dh-amr"], slaWorkingDays: 3 } } }),
    async (c) => {
      const deps = c.get("deps");
      const { submittedAt, draft, ...rest } = c.req.valid("json");
      const input: PlanInput = { ...rest, submittedAt: submittedAt ? new Date(submittedAt) : deps.now() };
      const saved = await tryPlan(deps, input);
      if (!draft) return c.json({ saved, edited: null });
      const db = deps.db.kysely;
      const current = await listCurrentRules(db);
      const edited = [...current.filter((r) => r.code !== draft.code), draftRow(draft, await findCurrentRule(db, draft.code), deps.now())];
      return c.json({ saved, edited: await tryPlan(deps, { ...input, rules: edited }) });
    },
  );
