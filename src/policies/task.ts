import { actionExample, hasChatCommand, PARTY_LABELS, TRANSITIONS, type Party, type TaskAction, type TaskFlags } from "../domain/taskTransitions";
import { DomainError, type Classification, type TaskState } from "../domain/types";
import { hasDepartmentRole, hasGlobalRole, type Actor, type UserActor } from "./actor";
import { actingFor } from "./delegation";

/** What the policies need to know of a request and one of its tasks. */
export interface TaskSubject {
  request: { requesterId: number; fromDepartmentId: number; classification: Classification; category?: string | null };
  task: { departmentId: number; assigneeId: number | null };
}

/** Every party the actor is, relative to this task. */
export function partiesOf(actor: Actor, s: TaskSubject): Set<Party> {
  const p = new Set<Party>();
  if (hasGlobalRole(actor, "admin")) p.add("admin");
  if (hasGlobalRole(actor, "supervisor")) p.add("supervisor");
  if (actor.kind !== "user") return p;
  if (actor.id === s.request.requesterId) p.add("requester");
  if (hasDepartmentRole(actor, "head", s.request.fromDepartmentId)) p.add("requesterHead");
  const dept = s.task.departmentId;
  if (hasDepartmentRole(actor, "dispatcher", dept)) p.add("targetDispatcher");
  if (hasDepartmentRole(actor, "head", dept)) p.add("targetHead");
  if (hasDepartmentRole(actor, "handler", dept)) p.add("targetHandler");
  if (s.task.assigneeId !== null && s.task.assigneeId === actor.id) p.add("assignee");
  return p;
}

/**
 * May the actor take this action on this task, themselves or as the deputy (代理) of someone who may?
 */
export function can(actor: Actor, action: TaskAction, s: TaskSubject): boolean {
  return canItself(actor, action, s) || actingAs(actor, action, s) !== null;
}

/** The delegator a deputy acts for when only a delegation allows the action (named "X（代 Y）"), else null. */
export function actingAs(actor: Actor, action: TaskAction, s: TaskSubject): UserActor | null {
  if (canItself(actor, action, s)) return null;
  return actingFor(actor, (who) => canItself(who, action, s), s.request.category);
}

/**
 * May the actor take this action on this task by their own roles? A handler who is not the assignee may act
 * only while nobody is assigned (the assignee owns the work once named).
 */
function canItself(actor: Actor, action: TaskAction, s: TaskSubject): boolean {
  const mine = partiesOf(actor, s);
  return TRANSITIONS[action].parties.some((party) => {
    if (!mine.has(party)) return false;
    if (party === "targetHandler" && s.task.assigneeId !== null && !mine.has("assignee")) return false;
    return true;
  });
}

/**
 * Refuses an action the actor's roles do not allow, naming the roles that may take it, who the actor is on
 * this request, and (as the correct example) something the actor may do on it instead.
 */
export function authorize(actor: Actor, action: TaskAction, s: TaskSubject | TaskWithState, number = "XT-2026-000001"): void {
  if (can(actor, action, s)) return;
  const t = TRANSITIONS[action];
  const mine = [...partiesOf(actor, s)].filter((p) => p !== "admin");
  // A handler refused because a colleague was named for the task is told the task's own handler may act.
  const handledByOther = mine.includes("targetHandler") && t.parties.includes("assignee") && s.task.assigneeId !== null;
  const needed = t.parties.filter((p) => (handledByOther ? p !== "targetHandler" : !(p === "assignee" && t.parties.includes("targetHandler"))));
  // A long list (who may comment) reads better as what they have in common.
  const who = needed.length > 4 ? ["该事项的参与人"] : needed.map((p) => PARTY_LABELS[p]);
  const youAre = handledByOther
    ? "该任务已指派给其他经办人办理。"
    : mine.length > 0
      ? `您的身份：${mine.filter((p) => !(p === "assignee" && mine.includes("targetHandler"))).map((p) => PARTY_LABELS[p]).join("、")}。`
      : "您不是该事项的参与人。";
  const open = "state" in s.task ? availableActions(actor, s as TaskWithState, INSTEAD) : [];
  const youCan = open.length > 0 ? `您可以${open.map((a) => TRANSITIONS[a].label).join("、")}。` : "";
  throw new DomainError("forbidden", `您无权${t.label}：只有${who.slice(0, -1).join("、")}${who.length > 1 ? "或" : ""}${who.at(-1)}可以${t.label}。${youAre}${youCan}`, {
    example: open[0] ? actionExample(open[0], number) : `/查询 ${number}`,
  });
}

// Visibility (密级) is one rule of its own; re-exported here for the callers that know it as a task policy.
export { canView } from "./visibility";

/** What a refused person is pointed to instead, most useful first (chat commands only). */
const INSTEAD: readonly TaskAction[] = (
  ["approve", "accept", "complete", "supplyInfo", "evaluate", "urge", "return", "transfer", "withdraw", "reject", "comment"] as const
).filter(hasChatCommand);

/** Who may raise requests from a department: its members, handlers, dispatchers and heads. */
export function canRaiseFrom(actor: Actor, departmentId: number): boolean {
  if (actor.kind === "token") return actor.role === "integration" || actor.role === "admin";
  if (actor.kind !== "user") return false;
  return actor.roles.some((g) => g.departmentId === departmentId);
}

/** A task as far as deciding which actions are open on it. */
export interface TaskWithState extends TaskSubject {
  task: TaskSubject["task"] & { state: TaskState } & TaskFlags;
}

const TASK_ACTIONS = Object.keys(TRANSITIONS) as TaskAction[];

/**
 * The actions this actor may take on this task now: the state allows it, the task's flags do not refuse it,
 * and the actor is one of the parties. The mini-app offers exactly these; the commands check again.
 */
export function availableActions(actor: Actor, s: TaskWithState, actions: readonly TaskAction[] = TASK_ACTIONS): TaskAction[] {
  return actions.filter((a) => {
    const t = TRANSITIONS[a];
    if (!t.from.includes(s.task.state)) return false;
    if (t.guard?.(s.task)) return false;
    return can(actor, a, s);
  });
}
