import { appendAudit } from "../db/repositories/audit";
import { discardParked } from "../db/repositories/outbox";
import { DomainError } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command } from "./context";
import { OUTBOX_CHAIN } from "./parkedMessageRetrier";

/**
 * An admin gives up on a parked message (the group was dissolved, the person left, the news is stale) with a
 * reason: it is never sent, and leaves the parked list. The change and its audit record commit together.
 */
export const parkedMessageDiscarder: Command<{ id: number; reason: string }, { id: number }> = async (deps, ctx, { id, reason }) => {
  if (!hasGlobalRole(ctx.actor, "admin")) throw new DomainError("forbidden", "只有管理员可以作废搁置的消息。");
  const at = deps.now();
  const row = await discardParked(ctx.trx, id, { at, reason, by: ctx.actor.name });
  if (!row) throw new DomainError("not_found", `没有编号为 ${id} 的搁置消息（或已作废、已重发）：请从 GET /api/admin/outbox/parked 中选取 id。`);
  await appendAudit(ctx.trx, {
    chain: OUTBOX_CHAIN,
    actorId: actorUserId(ctx.actor),
    actorName: ctx.actor.name,
    action: "outbox.discard",
    data: { id, reason, topic: row.topic, recipient: `${row.recipientType}:${row.recipientId}`, requestId: row.requestId, lastError: row.lastError },
    at,
  });
  return { id };
};
