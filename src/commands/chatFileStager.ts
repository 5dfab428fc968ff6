import type { Command } from "./context";
import { DomainError } from "../domain/types";
import { actorUserId } from "../policies/actor";

export interface StagedFile {
  chatId: string;
  file: { name: string; size: number; mime: string; sha256: string };
}

/**
 * A file sent to the bot before it knew which request it is for (a Lark file message has no caption): kept for
 * the person, to join the request they name next (/附件 编号) or raise right after (/发起). No request, so no trail
 * yet: the audit record is written when it joins one.
 */
export const chatFileStager: Command<StagedFile, { id: number }> = async (deps, ctx, input) => {
  const uploaderId = actorUserId(ctx.actor);
  if (uploaderId === null) throw new DomainError("forbidden", "只有登记在册的人员可以发送附件。");
  return ctx.trx
    .insertInto("chatFiles")
    .values({ uploaderId, chatId: input.chatId, ...input.file, createdAt: deps.now(), attachmentId: null })
    .returning("id")
    .executeTakeFirstOrThrow();
};
