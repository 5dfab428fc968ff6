import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import {
  departmentItem,
  describeIssues,
  escalationPolicyItem,
  type EscalationPolicyItem,
  holidayItem,
  importDocument,
  IMPORT_EXAMPLE,
  ruleItem,
  userItem,
  type DepartmentItem,
  type HolidayItem,
  type RuleItem,
  type UserItem,
} from "../domain/importFormat";
import { DomainError } from "../domain/types";
import { appendAudit } from "../db/repositories/audit";
import { findCurrentRule, sameRule, writeRuleVersion } from "../db/repositories/routingRules";
import { hasGlobalRole, actorUserId } from "../policies/actor";
import type { Command, CommandContext } from "./context";

export type ImportKind = "department" | "user" | "rule" | "holiday" | "escalationPolicy";
export interface ImportEntry {
  kind: ImportKind;
  key: string;
}
export interface ImportReport {
  applied: boolean;
  created: ImportEntry[];
  updated: ImportEntry[];
  unchanged: ImportEntry[];
  rejected: Array<ImportEntry & { reason: string }>;
}

/** Thrown (rolling the transaction back) when any item is rejected: an import applies whole or not at all. */
export class ImportRejectedError extends DomainError {
  constructor(readonly report: ImportReport) {
    super("import_rejected", `导入未执行：${report.rejected.length} 项有误，已全部回滚，请修正后重新导入。`, { example: IMPORT_EXAMPLE });
  }
}

/**
 * Applies an organisation document (departments, users with roles, routing rules, holidays) in the caller's
 * transaction, upserting by code / openId. A changed rule becomes a new version; tasks keep the old one.
 */
export const orgImporter: Command<unknown, ImportReport> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以导入组织架构和规则。");
  const doc = importDocument.safeParse(input);
  if (!doc.success) {
    throw new DomainError("invalid_import", `导入文件格式有误：${describeIssues(doc.error)}。顶层只能有 departments、users、rules、holidays、escalationPolicies 五个数组。`, {
      example: IMPORT_EXAMPLE,
    });
  }
  const report: ImportReport = { applied: false, created: [], updated: [], unchanged: [], rejected: [] };
  const reject = (kind: ImportKind, key: string, reason: string) => report.rejected.push({ kind, key, reason });
  const at = deps.now();

  const departments = validateItems(doc.data.departments, departmentItem, "department", (d) => d.code, reject);
  const users = validateItems(doc.data.users, userItem, "user", (u) => u.openId, reject);
  const rules = validateItems(doc.data.rules, ruleItem, "rule", (r) => r.code, reject);
  const holidays = validateItems(doc.data.holidays, holidayItem, "holiday", (h) => h.date, reject);
  const policies = validateItems(doc.data.escalationPolicies, escalationPolicyItem, "escalationPolicy", (p) => p.code, reject);

  const deptIds = await importDepartments(ctx, departments, report, reject, at);
  await importUsers(ctx, users, deptIds, report, reject, at);
  await importRules(ctx, rules, deptIds, report, reject);
  await importHolidays(ctx, holidays, report, reject, at);
  await importEscalationPolicies(ctx, policies, report, reject, at);

  if (report.rejected.length > 0) throw new ImportRejectedError(report);
  report.applied = true;
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "import",
    data: { created: report.created, updated: report.updated },
    at,
  });
  return report;
};

type Reject = (kind: ImportKind, key: string, reason: string) => void;

function validateItems<T>(items: unknown[], schema: z.ZodType<T>, kind: ImportKind, keyOf: (t: T) => string, reject: Reject): T[] {
  const seen = new Set<string>();
  const ok: T[] = [];
  items.forEach((raw, i) => {
    const parsed = schema.safeParse(raw);
    const guessKey = (raw as Record<string, unknown> | null)?.[kind === "user" ? "openId" : kind === "holiday" ? "date" : "code"];
    if (!parsed.success) return reject(kind, typeof guessKey === "string" ? guessKey : `#${i + 1}`, describeIssues(parsed.error));
    const key = keyOf(parsed.data);
    if (seen.has(key)) return reject(kind, key, "在文件中重复出现");
    seen.add(key);
    ok.push(parsed.data);
  });
  return ok;
}

async function importDepartments(ctx: CommandContext, items: DepartmentItem[], report: ImportReport, reject: Reject, at: Date) {
  const existing = await ctx.trx.selectFrom("departments").selectAll().execute();
  const byCode = new Map(existing.map((d) => [d.code, d]));
  const fileCodes = new Set(items.map((d) => d.code));
  // Names and aliases must point to one department only, across the database and the file.
  const owner = new Map<string, string>();
  for (const d of existing) if (!fileCodes.has(d.code)) for (const n of [d.name, ...d.aliases]) owner.set(n, d.code);
  const accepted: DepartmentItem[] = [];
  for (const d of items) {
    const clash = [d.name, ...d.aliases].find((n) => owner.has(n) && owner.get(n) !== d.code);
    if (clash) {
      reject("department", d.code, `名称或简称「${clash}」已被部门 ${owner.get(clash)} 使用，简称必须唯一`);
      continue;
    }
    for (const n of [d.name, ...d.aliases]) owner.set(n, d.code);
    accepted.push(d);
  }
  const known = new Set([...byCode.keys(), ...accepted.map((d) => d.code)]);
  const parents = new Map<string, string | null>([...existing.map((d) => [d.code, null] as [string, null])]);
  for (const d of accepted) {
    if (d.parent && !known.has(d.parent)) reject("department", d.code, `上级部门 ${d.parent} 不存在`);
    parents.set(d.code, d.parent ?? null);
  }
  for (const d of accepted) if (d.parent && createsCycle(d.code, parents)) reject("department", d.code, "上级关系形成了循环");

  const ids = new Map(existing.map((d) => [d.code, d.id]));
  for (const d of accepted) {
    const values = { name: d.name, aliases: d.aliases, chatId: d.chatId ?? null, active: d.active };
    const old = byCode.get(d.code);
    if (!old) {
      const row = await ctx.trx.insertInto("departments").values({ code: d.code, ...values, parentId: null }).returning("id").executeTakeFirstOrThrow();
      ids.set(d.code, row.id);
      report.created.push({ kind: "department", key: d.code });
    } else {
      const same =
        old.name === d.name && isDeepStrictEqual(old.aliases, d.aliases) && old.chatId === (d.chatId ?? null) && old.active === d.active &&
        old.parentId === (d.parent ? (ids.get(d.parent) ?? -1) : null);
      if (same) {
        report.unchanged.push({ kind: "department", key: d.code });
        continue;
      }
      await ctx.trx.updateTable("departments").set({ ...values, updatedAt: at }).where("id", "=", old.id).execute();
      report.updated.push({ kind: "department", key: d.code });
    }
  }
  // Parents last, once every department of the file has an id.
  for (const d of accepted) {
    const parentId = d.parent ? (ids.get(d.parent) ?? null) : null;
    await ctx.trx.updateTable("departments").set({ parentId }).where("code", "=", d.code).execute();
  }
  return ids;
}

function createsCycle(start: string, parents: Map<string, string | null>): boolean {
  const seen = new Set<string>();
  let cur: string | null | undefined = start;
  while (cur) {
    if (seen.has(cur)) return true;
    seen.add(cur);
    cur = parents.get(cur);
  }
  return false;
}

async function importUsers(ctx: CommandContext, items: UserItem[], deptIds: Map<string, number>, report: ImportReport, reject: Reject, at: Date) {
  for (const u of items) {
    const departmentId = deptIds.get(u.department);
    if (departmentId === undefined) {
      reject("user", u.openId, `所属部门 ${u.department} 不存在`);
      continue;
    }
    const old = await ctx.trx.selectFrom("users").selectAll().where("openId", "=", u.openId).executeTakeFirst();
    let userId: number;
    const roles = [...new Set(u.roles)].sort();
    if (!old) {
      userId = (await ctx.trx.insertInto("users").values({ openId: u.openId, name: u.name, departmentId, active: u.active, dailyDigest: u.dailyDigest }).returning("id").executeTakeFirstOrThrow()).id;
      report.created.push({ kind: "user", key: u.openId });
    } else {
      userId = old.id;
      const oldRoles = await ctx.trx.selectFrom("userRoles").select(["role", "departmentId"]).where("userId", "=", old.id).execute();
      const sameRoles = isDeepStrictEqual(
        oldRoles.map((r) => r.role).sort(),
        roles,
      ) && oldRoles.every((r) => r.departmentId === null || r.departmentId === departmentId);
      if (old.name === u.name && old.departmentId === departmentId && old.active === u.active && old.dailyDigest === u.dailyDigest && sameRoles) {
        report.unchanged.push({ kind: "user", key: u.openId });
        continue;
      }
      await ctx.trx.updateTable("users").set({ name: u.name, departmentId, active: u.active, dailyDigest: u.dailyDigest, updatedAt: at }).where("id", "=", old.id).execute();
      report.updated.push({ kind: "user", key: u.openId });
    }
    // The file states a person's roles completely: department roles apply to their primary department.
    await ctx.trx.deleteFrom("userRoles").where("userId", "=", userId).execute();
    if (roles.length > 0) {
      await ctx.trx
        .insertInto("userRoles")
        .values(roles.map((role) => ({ userId, role, departmentId: role === "admin" || role === "supervisor" ? null : departmentId })))
        .execute();
    }
  }
}

async function importRules(ctx: CommandContext, items: RuleItem[], deptIds: Map<string, number>, report: ImportReport, reject: Reject) {
  for (const r of items) {
    const refs = [...r.action.targets, ...(r.action.cc ?? []), ...(r.match.fromDepartments ?? []), ...(r.action.lead ? [r.action.lead] : [])];
    const missing = [...new Set(refs.filter((c) => !deptIds.has(c)))];
    if (missing.length > 0) {
      reject("rule", r.code, `引用的部门不存在：${missing.join("、")}`);
      continue;
    }
    if (r.action.lead && !r.action.targets.includes(r.action.lead)) {
      reject("rule", r.code, `主办部门 ${r.action.lead} 必须是承办部门（targets）之一`);
      continue;
    }
    const current = await findCurrentRule(ctx.trx, r.code);
    if (current && sameRule(current, r)) {
      report.unchanged.push({ kind: "rule", key: r.code });
      continue;
    }
    await writeRuleVersion(ctx.trx, current, r, ctx.actor.name);
    (current ? report.updated : report.created).push({ kind: "rule", key: r.code });
  }
}

/** JSON round-trip drops undefined keys so stored and incoming rules compare equal. */
function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

async function importHolidays(ctx: CommandContext, items: HolidayItem[], report: ImportReport, reject: Reject, at: Date) {
  for (const h of items) {
    const d = new Date(`${h.date}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== h.date) {
      reject("holiday", h.date, "不是有效日期");
      continue;
    }
    const old = await ctx.trx.selectFrom("calendarOverrides").select(["kind", "note"]).where("date", "=", h.date).executeTakeFirst();
    if (old && old.kind === h.kind && old.note === (h.note ?? null)) {
      report.unchanged.push({ kind: "holiday", key: h.date });
      continue;
    }
    await ctx.trx
      .insertInto("calendarOverrides")
      .values({ date: h.date, kind: h.kind, note: h.note ?? null, updatedAt: at })
      .onConflict((oc) => oc.column("date").doUpdateSet({ kind: h.kind, note: h.note ?? null, updatedAt: at }))
      .execute();
    (old ? report.updated : report.created).push({ kind: "holiday", key: h.date });
  }
}

async function importEscalationPolicies(ctx: CommandContext, items: EscalationPolicyItem[], report: ImportReport, reject: Reject, at: Date) {
  const rules = new Set((await ctx.trx.selectFrom("routingRules").select("code").where("isCurrent", "=", true).execute()).map((r) => r.code));
  const existing = await ctx.trx.selectFrom("escalationPolicies").selectAll().execute();
  // One policy per scope (rule, priority), across the database and the file.
  const scopeOwner = new Map(existing.map((p) => [`${p.ruleCode ?? ""}|${p.priority ?? ""}`, p.code]));
  for (const p of items) {
    const { code, name, rule, priority, ...settings } = p;
    if (rule && !rules.has(rule)) {
      reject("escalationPolicy", code, `引用的路由规则 ${rule} 不存在`);
      continue;
    }
    const scope = `${rule ?? ""}|${priority ?? ""}`;
    const owner = scopeOwner.get(scope);
    if (owner && owner !== code) {
      reject("escalationPolicy", code, `同一适用范围（规则 ${rule ?? "全部"}、紧急程度 ${priority ?? "全部"}）已有策略 ${owner}`);
      continue;
    }
    scopeOwner.set(scope, code);
    const old = existing.find((e) => e.code === code);
    const values = { name, ruleCode: rule ?? null, priority: priority ?? null, settings: JSON.stringify(normalize(settings)), updatedAt: at };
    if (old && old.name === name && old.ruleCode === values.ruleCode && old.priority === values.priority && isDeepStrictEqual(normalize(old.settings), normalize(settings))) {
      report.unchanged.push({ kind: "escalationPolicy", key: code });
      continue;
    }
    await ctx.trx
      .insertInto("escalationPolicies")
      .values({ code, ...values })
      .onConflict((oc) => oc.column("code").doUpdateSet(values))
      .execute();
    (old ? report.updated : report.created).push({ kind: "escalationPolicy", key: code });
  }
}
