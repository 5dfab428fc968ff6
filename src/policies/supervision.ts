import { hasGlobalRole, type Actor } from "./actor";

/**
 * The 督办 list is the supervisors' (督查) working list: red tasks across every department and the tasks under
 * 督办. Admins configure, they do not supervise; department roles see their own lists.
 */
export function canSeeSupervisionList(actor: Actor): boolean {
  return hasGlobalRole(actor, "supervisor");
}

export const SUPERVISION_LIST_REFUSAL = "只有督查人员可以查看督办清单。";

/**
 * 事项检索: supervisors and admins search every request, each within what they may see (visibility still
 * applies: an admin finds no sensitive request they are not part of). Others use their own lists.
 */
export function canSearchAllRequests(actor: Actor): boolean {
  return hasGlobalRole(actor, "supervisor") || hasGlobalRole(actor, "admin");
}

export const REQUEST_SEARCH_REFUSAL = "只有督查人员和管理员可以检索全部事项；查找本部门的事项请用「部门收件」「部门发件」。";
