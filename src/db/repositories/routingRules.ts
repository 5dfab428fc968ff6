import type { RuleItem } from "../../domain/importFormat";
import type { Executor } from "../client";
import type { RoutingRuleRow } from "../tables";

// Routing rules are versioned by (code, version): a change inserts the next version and retires the current
// one, so tasks routed earlier keep pointing (rule_id) at the version that routed them.

export async function findCurrentRule(db: Executor, code: string): Promise<RoutingRuleRow | undefined> {
  return db.selectFrom("routingRules").selectAll().where("code", "=", code).where("isCurrent", "=", true).executeTakeFirst();
}

/** Every version of one rule, oldest first. */
export async function listRuleVersions(db: Executor, code: string): Promise<RoutingRuleRow[]> {
  return db.selectFrom("routingRules").selectAll().where("code", "=", code).orderBy("version").execute();
}

/** JSON round-trip drops undefined keys so stored and incoming rules compare equal. */
const plain = (v: unknown): string => JSON.stringify(sortKeys(JSON.parse(JSON.stringify(v ?? {}))));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** Does the stored version say exactly what the item says? */
export function sameRule(current: RoutingRuleRow, r: RuleItem): boolean {
  return (
    current.name === r.name &&
    current.priority === r.priority &&
    current.enabled === r.enabled &&
    plain(current.match) === plain(r.match) &&
    plain(current.action) === plain(r.action)
  );
}

/** Inserts the next version of `r` (version 1 when new) and retires the current one. The caller audits. */
export async function writeRuleVersion(trx: Executor, current: RoutingRuleRow | undefined, r: RuleItem, createdBy: string): Promise<RoutingRuleRow> {
  if (current) await trx.updateTable("routingRules").set({ isCurrent: false }).where("id", "=", current.id).execute();
  return trx
    .insertInto("routingRules")
    .values({
      code: r.code,
      version: (current?.version ?? 0) + 1,
      name: r.name,
      priority: r.priority,
      enabled: r.enabled,
      match: JSON.stringify(r.match),
      action: JSON.stringify(r.action),
      isCurrent: true,
      createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
