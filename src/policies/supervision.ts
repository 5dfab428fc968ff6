import { hasGlobalRole, type Actor } from "./actor";

/**
 * The 督办 list is the supervisors' (督查) working list: red tasks across every department and the tasks under
 * 督办. Admins configure, they do not supervise; department roles see their own lists.
 */
export function canSeeSupervisionList(actor: Actor): boolean {
  return hasGlobalRole(actor, "supervisor");
}

export const SUPERVISION_LIST_REFUSAL = "只有督查人员可以查看督办清单。";
