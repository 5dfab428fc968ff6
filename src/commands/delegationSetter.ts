import { appendAudit } from "../db/repositories/audit";
import { localInstant, localDate, isValidDate } from "../domain/calendar";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import { enqueueMessages } from "../db/repositories/outbox";
import type { Command } from "./context";

export interface DelegationInput {
  /** whose work the deputy takes; defaults to the actor (an admin may name anyone) */
  delegatorId?: number | undefined;
  deputyId: number;
  /** only requests of this category; none: everything */
  category?: string | null | undefined;
  /** YYYY-MM-DD, both days included */
  startsOn: string;
  endsOn: string;
}

const EXAMPLE = "代理人：王芳，自 2026-12-07 至 2026-12-11（含），范围：全部事项";

/**
 * 代理: a head or handler names a deputy for a date range, for everything or one category. From the first day
 * 00:00 to the end of the last day (offices' time zone) the deputy receives and may act on what the delegator
 * would; it ends by itself. Audited on the org chain; both people are told.
 */
export const delegationSetter: Command<DelegationInput, { id: number; startsAt: Date; endsAt: Date }> = async (deps, ctx, input) => {
  const at = deps.now();
  const self = actorUserId(ctx.actor);
  const delegatorId = input.delegatorId ?? self;
  const admin = hasGlobalRole(ctx.actor, "admin");
  if (delegatorId === null) throw new DomainError("forbidden", "请指定委托人（delegatorId）。", { example: EXAMPLE });
  if (delegatorId !== self && !admin) throw new DomainError("forbidden", "只能为自己设置代理人；为他人设置须由管理员操作。", { example: EXAMPLE });
  const delegator = await ctx.trx.selectFrom("users").select(["id", "name", "openId", "departmentId"]).where("id", "=", delegatorId).where("active", "=", true).executeTakeFirst();
  const deputy = await ctx.trx.selectFrom("users").select(["id", "name", "openId", "departmentId"]).where("id", "=", input.deputyId).where("active", "=", true).executeTakeFirst();
  if (!delegator) throw new DomainError("not_found", "找不到委托人，或其账号已停用。", { example: EXAMPLE });
  if (!deputy) throw new DomainError("not_found", "找不到代理人，或其账号已停用。请从人员列表中选择。", { example: EXAMPLE });
  if (deputy.id === delegator.id) throw new DomainError("invalid_deputy", "代理人不能是本人，请选择另一位同事。", { example: EXAMPLE });
  const roles = await ctx.trx.selectFrom("userRoles").select(["role", "departmentId"]).where("userId", "=", delegator.id).execute();
  if (!admin && !roles.some((r) => r.role === "head" || r.role === "handler")) {
    throw new DomainError("forbidden", "只有部门负责人或经办人可以设置代理人。", { example: EXAMPLE });
  }
  // The deputy must be able to act where the delegator works: a member (or role holder) of one of their departments.
  const deputyRoles = await ctx.trx.selectFrom("userRoles").select("departmentId").where("userId", "=", deputy.id).execute();
  const delegatorDepts = new Set([delegator.departmentId, ...roles.map((r) => r.departmentId).filter((d): d is number => d !== null)]);
  if (![deputy.departmentId, ...deputyRoles.map((r) => r.departmentId)].some((d) => d !== null && delegatorDepts.has(d))) {
    throw new DomainError("invalid_deputy", `${deputy.name}不在${delegator.name}所在的部门，无法代为处理本部门的事项；请选择本部门的同事。`, { example: EXAMPLE });
  }
  for (const [d, what] of [
    [input.startsOn, "开始日期"],
    [input.endsOn, "结束日期"],
  ] as const) {
    if (!isValidDate(d)) throw new DomainError("invalid_date", `${what}「${d}」不是有效日期，请写成 YYYY-MM-DD。`, { example: EXAMPLE });
  }
  const settings = deps.config.deadline;
  if (input.endsOn < input.startsOn) throw new DomainError("invalid_date", "结束日期不能早于开始日期。", { example: EXAMPLE });
  if (input.endsOn < localDate(at, settings)) throw new DomainError("invalid_date", "结束日期已经过去，请选择今天或以后的日期。", { example: EXAMPLE });
  const startsAt = localInstant(input.startsOn, "00:00", settings);
  const endsAt = new Date(localInstant(input.endsOn, "00:00", settings).getTime() + 24 * 3600_000);
  const category = input.category?.trim() || null;
  // A deputy standing in for someone who has delegated the same work onward would act in a chain: refused.
  const chained = await ctx.trx
    .selectFrom("delegations")
    .select("id")
    .where("delegatorId", "=", deputy.id)
    .where("revokedAt", "is", null)
    .where("startsAt", "<", endsAt)
    .where("endsAt", ">", startsAt)
    .executeTakeFirst();
  if (chained) throw new DomainError("invalid_deputy", `${deputy.name}在这段时间本人也委托了代理人，不能再代理他人，请另选一位。`, { example: EXAMPLE });
  const row = await ctx.trx
    .insertInto("delegations")
    .values({ delegatorId: delegator.id, deputyId: deputy.id, category, startsAt, endsAt, createdBy: ctx.actor.name, createdAt: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  const scope = category ? `类别「${category}」的事项` : "全部事项";
  const range = `${input.startsOn} 至 ${input.endsOn}`;
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: self,
    actorName: ctx.actor.name,
    action: "delegation.set",
    data: { delegationId: row.id, delegator: delegator.openId, deputy: deputy.openId, category, startsOn: input.startsOn, endsOn: input.endsOn },
    at,
  });
  await enqueueMessages(
    ctx.trx,
    [
      { topic: "delegation.set", to: { type: "open_id", id: deputy.openId }, payload: { text: `${delegator.name} 委托您在 ${range} 代为处理${scope}，您的操作将记为「${deputy.name}（代 ${delegator.name}）」。` } },
      { topic: "delegation.set", to: { type: "open_id", id: delegator.openId }, payload: { text: `已设置代理：${range}，${scope}由 ${deputy.name} 代为处理，到期自动结束。` } },
    ],
    at,
  );
  return { id: row.id, startsAt, endsAt };
};
