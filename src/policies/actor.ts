import type { Role } from "../domain/types";
import type { Deputyship } from "./delegation";

export interface RoleGrant {
  role: Role;
  /** null for global roles (admin, supervisor) */
  departmentId: number | null;
}

/** A person known to xietong, acting through chat, the mini-app or an API token bound to them. */
export interface UserActor {
  kind: "user";
  id: number;
  openId: string;
  name: string;
  departmentId: number;
  roles: RoleGrant[];
  /** active 代理: people this person stands in for now */
  deputyFor?: Deputyship[];
  /** set on the acting actor of a deputy: who really acts (the rest names the delegator) */
  deputyId?: number;
}

/** An API token not bound to a person (integrations, `npm run token`). */
export interface TokenActor {
  kind: "token";
  tokenId: number;
  name: string;
  role: "admin" | "supervisor" | "integration";
}

/** Jobs (deadline sweep, delivery) acting on their own. */
export interface SystemActor {
  kind: "system";
  name: string;
}

export type Actor = UserActor | TokenActor | SystemActor;

export function hasGlobalRole(actor: Actor, role: "admin" | "supervisor"): boolean {
  if (actor.kind === "token") return actor.role === role;
  if (actor.kind === "user") return actor.roles.some((g) => g.role === role && g.departmentId === null);
  return false;
}

export function hasDepartmentRole(actor: Actor, role: Role, departmentId: number): boolean {
  return actor.kind === "user" && actor.roles.some((g) => g.role === role && g.departmentId === departmentId);
}

/** Departments where the actor holds any department role. */
export function departmentsOf(actor: Actor): number[] {
  if (actor.kind !== "user") return [];
  return [...new Set(actor.roles.filter((g) => g.departmentId !== null).map((g) => g.departmentId as number))];
}

export function actorName(actor: Actor): string {
  return actor.name;
}

export function actorUserId(actor: Actor): number | null {
  return actor.kind === "user" ? actor.id : null;
}
