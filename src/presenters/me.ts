import type { Executor } from "../db/client";
import type { UserActor } from "../policies/actor";

/** The signed-in person, with the departments and roles the mini-app shows and filters by. */
export async function presentMe(db: Executor, actor: UserActor) {
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
  };
}
