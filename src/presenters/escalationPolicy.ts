import { policySettings } from "../domain/escalation";
import type { Selectable } from "kysely";
import type { EscalationPolicyTable } from "../db/tables";

/** A stored 督办 policy as the admin API shows it: the import's fields, the settings as stored. */
export function presentEscalationPolicy(p: Selectable<EscalationPolicyTable>) {
  return {
    code: p.code,
    name: p.name,
    rule: p.ruleCode,
    priority: p.priority,
    settings: policySettings.parse(p.settings),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}
