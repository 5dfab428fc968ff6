import { DomainError } from "../domain/types";
import { claimPreview, recordConfirmedPreview, usedPreview } from "../db/repositories/previews";
import type { PreviewSummary } from "../db/tables";
import type { Command } from "./context";
import { requestCreator } from "./requestCreator";

export interface PreviewDecision {
  /** the key the preview card carries */
  key: string;
  /** the text the preview was shown for (what follows /发起) */
  text: string;
}

export interface ConfirmedPreview {
  number: string;
  summary: PreviewSummary;
  /** false when the card had already been confirmed: nothing new was created */
  created: boolean;
}

/**
 * 确认发起 on a preview card: creates the request once per card. A second click (a double tap, a click later
 * or after 修改) answers with the request the first one created; a cancelled card creates nothing.
 */
export const previewConfirmer: Command<PreviewDecision, ConfirmedPreview> = async (deps, ctx, input) => {
  const { actor, trx } = ctx;
  if (actor.kind !== "user") throw new DomainError("forbidden", "只有登记在册的人员可以发起协同事项。");
  if (!(await claimPreview(trx, input.key, actor.id, "confirmed"))) {
    const used = await usedPreview(trx, input.key);
    if (used.status === "cancelled") {
      throw new DomainError("preview_cancelled", "该预览已取消，未发起协同事项。如需发起，请重新发送内容。", { example: `/发起 ${input.text}` });
    }
    return { number: used.number!, summary: used.summary!, created: false };
  }
  const { request, plan } = await requestCreator(deps, ctx, { text: input.text, source: "chat" });
  const summary: PreviewSummary = {
    targets: plan.targets.map((d) => d.name),
    joint: plan.targets.length > 1,
    dueAt: plan.dueAt.toISOString(),
    ruleName: plan.rule?.name ?? null,
    explanation: plan.explanation,
  };
  await recordConfirmedPreview(trx, input.key, request.id, summary);
  return { number: request.number, summary, created: true };
};
