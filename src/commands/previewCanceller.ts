import { appendAudit } from "../db/repositories/audit";
import { claimPreview, usedPreview } from "../db/repositories/previews";
import type { PreviewSummary } from "../db/tables";
import { DomainError } from "../domain/types";
import type { Command } from "./context";
import type { PreviewDecision } from "./previewConfirmer";

export type CancelledPreview = { status: "cancelled" } | { status: "confirmed"; number: string; summary: PreviewSummary };

/** 取消 on a preview card: the card can no longer be confirmed. One already confirmed stays so, and says which request it became. */
export const previewCanceller: Command<PreviewDecision, CancelledPreview> = async (deps, ctx, input) => {
  const { actor, trx } = ctx;
  if (actor.kind !== "user") throw new DomainError("forbidden", "只有登记在册的人员可以取消预览。");
  if (await claimPreview(trx, input.key, actor.id, "cancelled")) {
    await appendAudit(trx, {
      chain: `preview:${input.key}`,
      actorId: actor.id,
      actorName: actor.name,
      action: "preview_cancel",
      data: { text: input.text },
      at: deps.now(),
    });
    return { status: "cancelled" };
  }
  const used = await usedPreview(trx, input.key);
  return used.status === "cancelled" ? { status: "cancelled" } : { status: "confirmed", number: used.number!, summary: used.summary! };
};
