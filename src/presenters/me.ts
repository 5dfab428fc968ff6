import type { Executor } from "../db/client";
import type { UserActor } from "../policies/actor";
import { currentDelegations, type DelegationView } from "../db/repositories/delegations";

/** The signed-in person, with the departments and roles the mini-app shows and filters by. */
export async function presentMe(db: Executor, actor: UserActor, at: Date) {
  const ids = [actor.departmentId, ...actor.roles.map((r) => r.departmentId).filter((d): d is number => d !== null)];
  const depts = await db.selectFrom("departments").select(["id", "code", "name"]).where("id", "in", ids).execute();
  const byId = new Map(depts.map((d) => [d.id, d]));
  const user = await db.selectFrom("users").select("dailyDigest").where("id", "=", actor.id).executeTakeFirstOrThrow();
  return {
    openId: actor.openId,
    name: actor.name,
    department: { code: byId.get(actor.departmentId)!.code, name: byId.get(actor.departmentId)!.name },
    roles: actor.roles.map((r) => ({ role: r.role, department: r.departmentId === null ? null : (byId.get(r.departmentId)?.code ?? null) })),
    settings: { dailyDigest: user.dailyDigest },
    delegations: presentDelegations(await currentDelegations(db, at, actor.id), actor.id, at),
  };
}

/** One 代理 as the API shows it: who, for what, from when to when (endsAt is exclusive: the day after the last). */
export function presentDelegation(d: DelegationView) {
  return {
    id: d.id,
    delegator: { openId: d.delegatorOpenId, name: d.delegatorName },
    deputy: { openId: d.deputyOpenId, name: d.deputyName },
    category: d.category,
    startsAt: new Date(d.startsAt).toISOString(),
    endsAt: new Date(d.endsAt).toISOString(),
    createdBy: d.createdBy,
  };
}

/** The delegations of a person in force now (for the banners): given (their work goes to a deputy) and received. */
export function presentDelegations(rows: DelegationView[], userId: number, at: Date) {
  const now = rows.filter((d) => new Date(d.startsAt) <= at);
  return {
    given: now.filter((d) => d.delegatorId === userId).map(presentDelegation),
    received: now.filter((d) => d.deputyId === userId).map(presentDelegation),
  };
}
