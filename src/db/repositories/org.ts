import { sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { CalendarOverride } from "../../domain/calendar";
import type { DepartmentRef, RoutingRule } from "../../domain/types";
import type { Actor, UserActor } from "../../policies/actor";
import type { Executor } from "../client";
import type { Department, RoutingRuleRow } from "../tables";
import type { Deputyship } from "../../policies/delegation";
import { deputyshipsAt, deputyshipsOf, deputyWindowsOf } from "./delegations";
import { remembered, snapshotOf } from "./orgCache";
import { visibleTo } from "./visibility";

// Each reader of the organisation answers from the transaction's snapshot when it took one (./orgCache.ts).

export async function listDepartments(db: Executor): Promise<Department[]> {
  const snap = snapshotOf(db);
  if (snap) return [...snap.active];
  return db.selectFrom("departments").selectAll().where("active", "=", true).orderBy("id").execute();
}

export function toDepartmentRef(d: Pick<Department, "code" | "name" | "aliases">): DepartmentRef {
  return { code: d.code, name: d.name, aliases: d.aliases };
}

export async function findDepartmentByCode(db: Executor, code: string): Promise<Department | undefined> {
  const snap = snapshotOf(db);
  if (snap) return snap.byCode.get(code);
  return db.selectFrom("departments").selectAll().where("code", "=", code).executeTakeFirst();
}

export async function findDepartmentById(db: Executor, id: number): Promise<Department> {
  const cached = snapshotOf(db)?.byId.get(id);
  if (cached) return cached;
  return db.selectFrom("departments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/**
 * The person behind a platform openId, with every role and the delegations (代理) they hold at `at`, or
 * undefined when xietong does not know them. The person and roles come from this server's org copy when the
 * transaction has one; delegations are read each time (they start and end by the clock, not by an org change).
 */
export async function loadUserActor(db: Executor, by: { openId: string } | { id: number }, at: Date = new Date()): Promise<UserActor | undefined> {
  const key = "openId" in by ? `open:${by.openId}` : `id:${by.id}`;
  // Read with the person: whether any delegation to them is not over yet. Most people are nobody's deputy, and
  // then the delegations need no statement of their own.
  let read: { deputizing: boolean } | undefined;
  const base =
    (await remembered(db, (s) => s.actors, key, async () => {
      const got = await readUserActor(db, by, at);
      read = { deputizing: got?.deputizing ?? false };
      return got?.actor ?? null;
    })) ?? undefined;
  if (!base) return undefined;
  const known = read as { deputizing: boolean } | undefined;
  let deputyFor: Deputyship[] | undefined;
  if (!snapshotOf(db)) deputyFor = known?.deputizing ? await deputyshipsOf(db, base.id, at) : [];
  else {
    // With the transaction's copy of the organisation, who the person stands in for is kept with them: a chat
    // event from a person seen before reads nothing about them (a delegation set or revoked changes the version).
    const windows = await remembered(db, (s) => s.deputyWindows, base.id, async () =>
      known && !known.deputizing ? { from: at, windows: [] } : deputyWindowsOf(db, base.id, at),
    );
    deputyFor = deputyshipsAt(windows, at) ?? (await deputyshipsOf(db, base.id, at));
  }
  return deputyFor.length ? { ...base, deputyFor } : base;
}

async function readUserActor(db: Executor, by: { openId: string } | { id: number }, at: Date): Promise<{ actor: UserActor; deputizing: boolean } | undefined> {
  // One statement, the roles as a JSON array: it runs on every API call (session-auth), so a round trip counts.
  const user = await db
    .selectFrom("users")
    .select(["users.id", "users.openId", "users.name", "users.departmentId"])
    .select((eb) =>
      jsonArrayFrom(eb.selectFrom("userRoles").select(["userRoles.role", "userRoles.departmentId"]).whereRef("userRoles.userId", "=", "users.id").orderBy("userRoles.id")).as(
        "roles",
      ),
    )
    // a delegation to them not revoked and not over at `at` (running now or later): deputyshipsOf
    // (./delegations.ts) checks the rest
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("delegations")
            .select("delegations.id")
            .whereRef("delegations.deputyId", "=", "users.id")
            .where("delegations.revokedAt", "is", null)
            .where("delegations.endsAt", ">", at),
        )
        .as("deputizing"),
    )
    .where("users.active", "=", true)
    .$if("openId" in by, (q) => q.where("users.openId", "=", (by as { openId: string }).openId))
    .$if("id" in by, (q) => q.where("users.id", "=", (by as { id: number }).id))
    .executeTakeFirst();
  if (!user) return undefined;
  const roles = user.roles.map((g) => ({ role: g.role, departmentId: g.departmentId }));
  return { actor: { kind: "user", id: user.id, openId: user.openId, name: user.name, departmentId: user.departmentId, roles }, deputizing: Boolean(user.deputizing) };
}

/** People holding one of `roles` in a department (who gets notified for it). */
export async function usersWithRole(
  db: Executor,
  departmentId: number | null,
  roles: string[],
): Promise<Array<{ id: number; openId: string; name: string }>> {
  return remembered(db, (s) => s.roleHolders, `${departmentId}|${[...roles].sort().join(",")}`, () => readUsersWithRole(db, departmentId, roles));
}

async function readUsersWithRole(db: Executor, departmentId: number | null, roles: string[]) {
  return db
    .selectFrom("userRoles")
    .innerJoin("users", "users.id", "userRoles.userId")
    .select(["users.id", "users.openId", "users.name"])
    .distinct()
    .where("users.active", "=", true)
    .where("userRoles.role", "in", roles as never[])
    .where((eb) => (departmentId === null ? eb("userRoles.departmentId", "is", null) : eb("userRoles.departmentId", "=", departmentId)))
    .orderBy("users.id")
    .execute();
}

/** A person's name by id (who raised a request, in its messages). */
export async function findUserName(db: Executor, id: number): Promise<string> {
  return remembered(db, (s) => s.userNames, id, async () => (await db.selectFrom("users").select("name").where("id", "=", id).executeTakeFirstOrThrow()).name);
}

export async function listCurrentRules(db: Executor): Promise<RoutingRuleRow[]> {
  const snap = snapshotOf(db);
  if (snap) return [...snap.rules];
  return db.selectFrom("routingRules").selectAll().where("isCurrent", "=", true).orderBy("priority").orderBy("code").execute();
}

export function toRoutingRule(r: RoutingRuleRow): RoutingRule {
  return { code: r.code, name: r.name, version: r.version, priority: r.priority, enabled: r.enabled, match: r.match, action: r.action };
}

export async function listCalendarOverrides(db: Executor): Promise<CalendarOverride[]> {
  const snap = snapshotOf(db);
  if (snap) return [...snap.calendarOverrides];
  return db
    .selectFrom("calendarOverrides")
    .select([sql<string>`to_char(date, 'YYYY-MM-DD')`.as("date"), "kind", "note"])
    .orderBy("date")
    .execute();
}

/**
 * The categories people choose from: those the routing rules name, then those requests have used (most used
 * first, counting only requests the viewer may open), without repeats.
 */
export async function listCategories(db: Executor, viewer: Actor, limit = 100): Promise<string[]> {
  const fromRules = (await listCurrentRules(db)).map((r) => r.match.category).filter((c): c is string => !!c);
  const used = await db
    .selectFrom("requests")
    .select(["category", (eb) => eb.fn.countAll<string>().as("n")])
    .where("category", "is not", null)
    .where(visibleTo(viewer))
    .groupBy("category")
    .orderBy("n", "desc")
    .orderBy("category")
    .limit(limit)
    .execute();
  return [...new Set([...fromRules, ...used.map((u) => u.category as string)])].slice(0, limit);
}
