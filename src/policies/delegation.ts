import type { Actor, UserActor } from "./actor";

/** One active 代理 the actor holds: they may act as `delegator` (for one category only, when set). */
export interface Deputyship {
  delegator: Omit<UserActor, "deputyFor">;
  category: string | null;
}

/** The people this actor stands in for on a request of `category` (a category-bound delegation only covers its own). */
export function delegatorsFor(actor: Actor, category: string | null | undefined): Array<Omit<UserActor, "deputyFor">> {
  if (actor.kind !== "user" || !actor.deputyFor) return [];
  return actor.deputyFor.filter((d) => d.category === null || d.category === (category ?? null)).map((d) => d.delegator);
}

/** "X（代 Y）": how a deputy's action is named in the trail, the timeline, replies and messages. */
export function deputyName(deputy: string, delegator: string): string {
  return `${deputy}（代 ${delegator}）`;
}

/**
 * When the actor may not take an action themselves but a person they deputize for may: that person as the one
 * acting, named "X（代 Y）". null when no delegation allows it.
 */
export function actingFor(actor: Actor, allowed: (who: Actor) => boolean, category: string | null | undefined): UserActor | null {
  if (actor.kind !== "user") return null;
  for (const delegator of delegatorsFor(actor, category)) {
    if (allowed(delegator)) return { ...delegator, name: deputyName(actor.name, delegator.name), deputyFor: [], deputyId: actor.id };
  }
  return null;
}

/** The "X（代 Y） " a reply or toast starts with when a deputy acted; empty otherwise. */
export function actedPrefix(result: { actedAs?: string | undefined }): string {
  return result.actedAs ? `${result.actedAs} ` : "";
}
