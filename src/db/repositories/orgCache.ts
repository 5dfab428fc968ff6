import { sql } from "kysely";
import { createWorkCalendar, type CalendarOverride, type WorkCalendar } from "../../domain/calendar";
import type { PolicySettings, StoredPolicy } from "../../domain/escalation";
import type { UserActor } from "../../policies/actor";
import type { Executor } from "../client";
import type { Department, RoutingRuleRow } from "../tables";
import type { DeputyWindows } from "./delegations";

// The organisation in memory: departments, routing rules, the calendar's overrides and the escalation policies,
// and the people looked up so far (with whom they stand in for), as of one org_version (migrations/2026_12_05_0920_org_version.ts). Every change
// to those tables changes the version in its own transaction, so a transaction that reads the one version row
// and finds its copy's version current reads exactly what the tables hold: several servers stay correct with
// no message between them. A transaction asks once (cache.snapshot(trx)); the org repository functions called
// with that transaction then answer from the snapshot (org.ts, calendarLoader.ts, escalationPolicy.ts).
// Only transactions that do not change the organisation take a snapshot (chat events, request creation).

export interface OrgSnapshot {
  version: string;
  /** active departments by id */
  active: Department[];
  /** every department, inactive ones too */
  byId: Map<number, Department>;
  byCode: Map<string, Department>;
  /** current routing rules, by priority then code */
  rules: RoutingRuleRow[];
  calendarOverrides: CalendarOverride[];
  calendar: WorkCalendar;
  policies: StoredPolicy[];
  /** people, filled as they are asked for: "open:<openId>" / "id:<id>" -> actor (null: unknown) */
  actors: Map<string, UserActor | null>;
  /** a person's id -> the delegations they stand in for (./delegations.ts), filled as people are asked for */
  deputyWindows: Map<number, DeputyWindows>;
  /** "<departmentId>|<roles>" -> holders */
  roleHolders: Map<string, Array<{ id: number; openId: string; name: string }>>;
  userNames: Map<number, string>;
}

export interface OrgCache {
  /** The organisation as this executor's transaction sees it: one statement, or none when already asked in it. */
  snapshot(db: Executor): Promise<OrgSnapshot>;
  /** statements spent reloading (tests and the bench read it) */
  readonly loads: number;
}

const inTransaction = new WeakMap<Executor, OrgSnapshot>();

/** The snapshot this transaction took, if it took one. */
export function snapshotOf(db: Executor): OrgSnapshot | undefined {
  return inTransaction.get(db);
}

export async function readOrgVersion(db: Executor): Promise<string> {
  const row = await db.selectFrom("orgVersion").select(sql<string>`version::text`.as("version")).where("id", "=", 1).executeTakeFirstOrThrow();
  return row.version;
}

export function createOrgCache(): OrgCache {
  let current: OrgSnapshot | null = null;
  let loads = 0;
  return {
    get loads() {
      return loads;
    },
    async snapshot(db) {
      const taken = inTransaction.get(db);
      if (taken) return taken;
      const version = await readOrgVersion(db);
      let snap = current;
      if (snap?.version !== version) {
        loads++;
        snap = await loadSnapshot(db, version);
        current = snap;
      }
      if (db.isTransaction) inTransaction.set(db, snap);
      return snap;
    },
  };
}

async function loadSnapshot(db: Executor, version: string): Promise<OrgSnapshot> {
  const departments = await db.selectFrom("departments").selectAll().orderBy("id").execute();
  const rules = await db.selectFrom("routingRules").selectAll().where("isCurrent", "=", true).orderBy("priority").orderBy("code").execute();
  const calendarOverrides = await db
    .selectFrom("calendarOverrides")
    .select([sql<string>`to_char(date, 'YYYY-MM-DD')`.as("date"), "kind", "note"])
    .orderBy("date")
    .execute();
  const policies = await db.selectFrom("escalationPolicies").select(["ruleCode", "priority", "settings"]).execute();
  return {
    version,
    active: departments.filter((d) => d.active),
    byId: new Map(departments.map((d) => [d.id, d])),
    byCode: new Map(departments.map((d) => [d.code, d])),
    rules,
    calendarOverrides,
    calendar: createWorkCalendar(calendarOverrides),
    policies: policies.map((r) => ({ ruleCode: r.ruleCode, priority: r.priority, settings: r.settings as PolicySettings })),
    actors: new Map(),
    deputyWindows: new Map(),
    roleHolders: new Map(),
    userNames: new Map(),
  };
}

/** Answers from the snapshot's lazily filled map when the transaction has one, else runs `load` alone. */
export async function remembered<K, V>(db: Executor, pick: (s: OrgSnapshot) => Map<K, V>, key: K, load: () => Promise<V>): Promise<V> {
  const snap = inTransaction.get(db);
  if (!snap) return load();
  const map = pick(snap);
  if (map.has(key)) return map.get(key)!;
  const value = await load();
  map.set(key, value);
  return value;
}
