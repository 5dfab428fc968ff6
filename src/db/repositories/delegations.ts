import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { Deputyship } from "../../policies/delegation";
import type { Executor } from "../client";

/** Delegations in force at `at` that the deputy holds, each with the delegator's roles: one statement. */
export async function deputyshipsOf(db: Executor, deputyId: number, at: Date): Promise<Deputyship[]> {
  return deputyshipsAt(await deputyWindowsOf(db, deputyId, at), at)!;
}

/**
 * The delegations to a deputy that are not revoked and not over at `from`, each with its delegator and their
 * roles: from them deputyshipsAt answers what deputyshipsOf would at any moment from `from` on, for as long as no
 * delegation, person or role changes (each of those changes the org version, so the copy that keeps them goes).
 */
export interface DeputyWindows {
  from: Date;
  windows: Array<Deputyship & { startsAt: Date; endsAt: Date }>;
}

/** One statement: the deputy's delegations not over at `from`, with the delegators' roles. */
export async function deputyWindowsOf(db: Executor, deputyId: number, from: Date): Promise<DeputyWindows> {
  const rows = await db
    .selectFrom("delegations")
    .innerJoin("users", "users.id", "delegations.delegatorId")
    .select(["users.id", "users.openId", "users.name", "users.departmentId", "delegations.category", "delegations.startsAt", "delegations.endsAt"])
    .select((eb) =>
      jsonArrayFrom(eb.selectFrom("userRoles").select(["userRoles.role", "userRoles.departmentId"]).whereRef("userRoles.userId", "=", "users.id").orderBy("userRoles.id")).as(
        "roles",
      ),
    )
    .where("delegations.deputyId", "=", deputyId)
    .where("delegations.revokedAt", "is", null)
    .where("delegations.endsAt", ">", from)
    .where("users.active", "=", true)
    .orderBy("delegations.id")
    .execute();
  return {
    from,
    windows: rows.map((r) => ({
      category: r.category,
      startsAt: new Date(r.startsAt),
      endsAt: new Date(r.endsAt),
      delegator: { kind: "user" as const, id: r.id, openId: r.openId, name: r.name, departmentId: r.departmentId, roles: r.roles.map((g) => ({ role: g.role, departmentId: g.departmentId })) },
    })),
  };
}

/** The deputyships in force at `at`, as deputyshipsOf answers them; undefined when `at` is before what was read. */
export function deputyshipsAt(w: DeputyWindows, at: Date): Deputyship[] | undefined {
  if (at < w.from) return undefined;
  return w.windows.filter((d) => d.startsAt <= at && d.endsAt > at).map(({ category, delegator }) => ({ category, delegator }));
}

export interface DelegationView {
  id: number;
  delegatorId: number;
  delegatorName: string;
  delegatorOpenId: string;
  deputyId: number;
  deputyName: string;
  deputyOpenId: string;
  category: string | null;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
}

/** Delegations not revoked and not yet over at `at`, given by or to `userId` (every one when null). */
export async function currentDelegations(db: Executor, at: Date, userId: number | null = null): Promise<DelegationView[]> {
  return db
    .selectFrom("delegations")
    .innerJoin("users as delegator", "delegator.id", "delegations.delegatorId")
    .innerJoin("users as deputy", "deputy.id", "delegations.deputyId")
    .select([
      "delegations.id",
      "delegations.delegatorId",
      "delegator.name as delegatorName",
      "delegator.openId as delegatorOpenId",
      "delegations.deputyId",
      "deputy.name as deputyName",
      "deputy.openId as deputyOpenId",
      "delegations.category",
      "delegations.startsAt",
      "delegations.endsAt",
      "delegations.createdBy",
    ])
    .where("delegations.revokedAt", "is", null)
    .where("delegations.endsAt", ">", at)
    .$if(userId !== null, (q) => q.where((eb) => eb.or([eb("delegations.delegatorId", "=", userId!), eb("delegations.deputyId", "=", userId!)])))
    .orderBy("delegations.startsAt")
    .execute();
}

/** People delegating (their work goes to a deputy) at `at`, among `userIds`. */
export async function delegatingAt(db: Executor, userIds: number[], at: Date): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("delegations")
    .select("delegatorId")
    .where("delegatorId", "in", userIds)
    .where("revokedAt", "is", null)
    .where("startsAt", "<=", at)
    .where("endsAt", ">", at)
    .execute();
  return new Set(rows.map((r) => r.delegatorId));
}

/** Deputies in force at `at` for these people on a request of `category`: who else receives what is sent to them. */
export async function deputiesOf(
  db: Executor,
  delegatorIds: number[],
  at: Date,
  category: string | null,
): Promise<Array<{ delegatorId: number; id: number; openId: string; name: string }>> {
  if (delegatorIds.length === 0) return [];
  return db
    .selectFrom("delegations")
    .innerJoin("users", "users.id", "delegations.deputyId")
    .select(["delegations.delegatorId", "users.id", "users.openId", "users.name"])
    .where("delegations.delegatorId", "in", delegatorIds)
    .where("delegations.revokedAt", "is", null)
    .where("delegations.startsAt", "<=", at)
    .where("delegations.endsAt", ">", at)
    .where((eb) => (category === null ? eb("delegations.category", "is", null) : eb.or([eb("delegations.category", "is", null), eb("delegations.category", "=", category)])))
    .where("users.active", "=", true)
    .execute();
}
