import { appendAudit } from "../db/repositories/audit";
import { requeueParked } from "../db/repositories/outbox";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";

export const OUTBOX_CHAIN = "outbox";

/**
 * An admin puts parked outgoing messages back in the queue once the cause is fixed: one by id, or all of them at
 * once (after an outage, say). The change and its audit record commit together.
 */
export const parkedMessageRetrier: Command<{ id: number } | "all", { retried: number[] }> = async (deps, ctx, which) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以重发搁置的消息。");
  const at = deps.now();
  const retried = await requeueParked(ctx.trx, which, at);
  if (retried.length === 0) {
    if (which !== "all") throw new DomainError("not_found", `没有编号为 ${which.id} 的搁置消息：请从 GET /api/admin/outbox/parked 中选取 id。`);
    return { retried };
  }
  await appendAudit(ctx.trx, {
    chain: OUTBOX_CHAIN,
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: which === "all" ? "outbox.retry_all" : "outbox.retry",
    data: { ids: retried },
    at,
  });
  return { retried };
};
