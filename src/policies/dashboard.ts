import { departmentsOf, hasDepartmentRole, hasGlobalRole, type Actor } from "./actor";

/**
 * Who may see the 晾晒 figures of which departments. Supervisors (督查) and admins see every department: the
 * figures are counts, never titles, and every task list behind them still goes through the visibility rule. A
 * department head (负责人) sees the departments they head, as target and as requester. Nobody else: the figures
 * judge departments, and are for those who answer for them.
 */
export type DashboardScope = { all: true } | { all: false; departmentIds: number[] };

export function dashboardScope(actor: Actor): DashboardScope | null {
  if (hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin")) return { all: true };
  const headOf = departmentsOf(actor).filter((d) => hasDepartmentRole(actor, "head", d));
  return headOf.length ? { all: false, departmentIds: headOf } : null;
}

export const inScope = (scope: DashboardScope, departmentId: number) => scope.all || scope.departmentIds.includes(departmentId);

/** The printable monthly 通报 and its data: supervisors and admins (the heads receive it as a card). */
export const mayReadBulletin = (actor: Actor) => hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin");

export const DASHBOARD_FORBIDDEN = "晾晒只有督查、管理员和部门负责人可以查看。";
