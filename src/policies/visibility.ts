import type { Classification } from "../domain/types";
import { hasDepartmentRole, hasGlobalRole, type Actor } from "./actor";

/**
 * 密级 (classification): who may see a request. ONE rule with two faces: `canView` below for a request already
 * loaded, and `visibleToViewer` (src/db/repositories/visibility.ts) for every list, search, count and chat query,
 * in SQL. Both read the same `ViewerScope`, so a list never shows a row the detail refuses.
 *
 * Public and internal requests: every registered person. A sensitive request (涉密), only:
 * - its requester (发起人);
 * - the assignee (经办人) currently named on any of its tasks;
 * - the heads (负责人) of the involved departments: the requesting department and each department that now holds
 *   one of its tasks;
 * - the dispatchers (收件员) of the departments that now hold one of its tasks (it enters a department through
 *   them: they accept and assign it);
 * - supervisors (督查).
 * Nobody else: not admins (they configure, they do not read), not the other members or handlers of the involved
 * departments, and not people whose part is over (a handler reassigned away, a department the task was
 * transferred away from, someone who has lost the role). Visibility follows present responsibility; the audit
 * trail keeps what they did.
 */
export interface ViewerScope {
  /** sees every request (supervisors) */
  everything: boolean;
  /** the person, for requester and assignee; null for tokens not bound to a person and for jobs */
  userId: number | null;
  /** departments the actor heads: sees sensitive requests raised from them or with a task there */
  headOf: number[];
  /** departments where the actor heads or dispatches: sees sensitive requests with a task there */
  officeOf: number[];
}

export function viewerScope(actor: Actor): ViewerScope {
  const everything = hasGlobalRole(actor, "supervisor");
  if (actor.kind !== "user") return { everything, userId: null, headOf: [], officeOf: [] };
  const depts = [...new Set(actor.roles.filter((g) => g.departmentId !== null).map((g) => g.departmentId as number))];
  const headOf = depts.filter((d) => hasDepartmentRole(actor, "head", d));
  const officeOf = depts.filter((d) => hasDepartmentRole(actor, "head", d) || hasDepartmentRole(actor, "dispatcher", d));
  return { everything, userId: actor.id, headOf, officeOf };
}

/** What the rule needs of a request and of each of its tasks. */
export interface VisibilitySubject {
  request: { requesterId: number; fromDepartmentId: number; classification: Classification | string };
  tasks: ReadonlyArray<{ departmentId: number; assigneeId: number | null }>;
}

/** May the actor see this request at all (its number, title, body, tasks, trail)? */
export function canView(actor: Actor, request: VisibilitySubject["request"], tasks: VisibilitySubject["tasks"]): boolean {
  if (request.classification !== "sensitive") return true;
  const s = viewerScope(actor);
  if (s.everything) return true;
  if (s.userId !== null && (request.requesterId === s.userId || tasks.some((t) => t.assigneeId === s.userId))) return true;
  if (s.headOf.includes(request.fromDepartmentId)) return true;
  return tasks.some((t) => s.officeOf.includes(t.departmentId));
}
