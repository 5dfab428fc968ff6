import { ASSIGNMENT_MODE_LABELS } from "../domain/assignment";
import type { OrgTree } from "../db/repositories/orgTree";
import type { DelegationView } from "../db/repositories/delegations";

export const LEVEL_LABELS = { province: "省", city: "市", county: "县区", township: "乡镇" } as const;

/**
 * The org tree as the admin screen shows it: departments depth-first (each with its depth, level, aliases, work
 * group, auto-assignment and people with their roles). `q` keeps departments whose name or alias contains it and
 * those with a person of that name (with their ancestors, so the tree still reads); `only` limits to departments
 * (a head's own).
 */
export function presentOrgTree(tree: OrgTree, opts: { q?: string | undefined; only?: number[] | null } = {}) {
  const byParent = new Map<string | null, OrgTree["departments"]>();
  for (const d of tree.departments) byParent.set(d.parentCode ?? null, [...(byParent.get(d.parentCode ?? null) ?? []), d]);
  const q = opts.q?.trim();
  const peopleOf = (deptId: number) =>
    tree.people
      .filter((p) => p.departmentId === deptId)
      .map((p) => ({
        openId: p.openId,
        name: p.name,
        active: p.active,
        onLeave: p.onLeave,
        left: p.leftAt !== null,
        roles: tree.roles.filter((r) => r.userId === p.id).map((r) => ({ role: r.role, department: r.departmentCode ?? null })),
      }));
  const matches = (d: OrgTree["departments"][number]) =>
    !q || d.name.includes(q) || d.aliases.some((a) => a.includes(q)) || tree.people.some((p) => p.departmentId === d.id && p.name.includes(q));
  const out: Array<ReturnType<typeof row>> = [];
  const row = (d: OrgTree["departments"][number], depth: number) => ({
    code: d.code,
    name: d.name,
    parent: d.parentCode ?? null,
    depth,
    level: d.level,
    levelLabel: d.level ? LEVEL_LABELS[d.level] : null,
    aliases: d.aliases,
    chatId: d.chatId,
    active: d.active,
    assignmentMode: d.assignmentMode,
    assignmentLabel: ASSIGNMENT_MODE_LABELS[d.assignmentMode],
    people: peopleOf(d.id),
  });
  // Depth-first; a department is kept when it or something under it matches.
  const walk = (parent: string | null, depth: number): boolean => {
    let any = false;
    for (const d of byParent.get(parent) ?? []) {
      const at = out.length;
      const below = walk(d.code, depth + 1);
      const allowed = !opts.only || opts.only.includes(d.id);
      if ((matches(d) && allowed) || below) {
        out.splice(at, 0, row(d, depth));
        any = true;
      }
    }
    return any;
  };
  walk(null, 0);
  return out;
}

export function presentDelegation(d: DelegationView, now: Date) {
  return {
    id: d.id,
    delegator: { id: d.delegatorId, name: d.delegatorName },
    deputy: { id: d.deputyId, name: d.deputyName },
    category: d.category,
    startsAt: new Date(d.startsAt).toISOString(),
    endsAt: new Date(d.endsAt).toISOString(),
    active: new Date(d.startsAt) <= now,
    createdBy: d.createdBy,
  };
}
