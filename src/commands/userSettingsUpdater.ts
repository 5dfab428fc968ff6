import { appendAudit } from "../db/repositories/audit";
import { DomainError } from "../domain/types";
import type { Command } from "./context";

export interface UserSettingsInput {
  /** 每日待办提醒: the working-morning list of what is due soon or overdue */
  dailyDigest: boolean;
}

/** A person's own settings (today: the daily digest opt-out), audited on the org chain like every change to people. */
export const userSettingsUpdater: Command<UserSettingsInput, { dailyDigest: boolean; changed: boolean }> = async (deps, ctx, input) => {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "只有登记在组织架构中的人员可以修改个人设置。");
  const at = deps.now();
  const before = await ctx.trx.selectFrom("users").select("dailyDigest").where("id", "=", ctx.actor.id).forUpdate().executeTakeFirstOrThrow();
  if (before.dailyDigest === input.dailyDigest) return { dailyDigest: input.dailyDigest, changed: false };
  await ctx.trx.updateTable("users").set({ dailyDigest: input.dailyDigest, updatedAt: at }).where("id", "=", ctx.actor.id).execute();
  await appendAudit(ctx.trx, {
    chain: "org",
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: "settings",
    data: { openId: ctx.actor.openId, dailyDigest: input.dailyDigest },
    at,
  });
  return { dailyDigest: input.dailyDigest, changed: true };
};
