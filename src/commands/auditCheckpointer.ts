import { takeCheckpoint } from "../db/repositories/auditCheckpoints";
import { enqueueMessages } from "../db/repositories/outbox";
import type { AuditCheckpointRow } from "../db/tables";
import { DomainError } from "../domain/types";
import type { Command } from "./context";
import { peopleRecipients } from "./notifications";

/**
 * 留痕检查点: anchors every audit chain's head, signed with the key kept outside the database, and posts
 * the digest to the admins (ADMIN_CHAT_ID, else each admin in private chat), so that a copy of it lives
 * where a database superuser cannot rewrite it. Nothing to anchor (no record since the last one): null.
 */
export const auditCheckpointer: Command<Record<string, never>, AuditCheckpointRow | null> = async (deps, ctx) => {
  const key = deps.config.audit.hmacKey;
  if (!key) throw new DomainError("misconfigured", "未配置审计检查点密钥 AUDIT_HMAC_KEY，无法生成检查点。", { example: "AUDIT_HMAC_KEY=$(openssl rand -hex 32)" });
  const at = deps.now();
  const cp = await takeCheckpoint(ctx.trx, key, at);
  if (!cp) return null;
  const chatId = deps.config.audit.adminChatId;
  const to = chatId ? [{ type: "chat_id" as const, id: chatId }] : await peopleRecipients(ctx.trx, null, ["admin"]);
  const text =
    `留痕检查点 #${cp.seq}：${cp.chainCount} 条链、${cp.recordCount} 条记录，摘要 ${cp.digest.slice(0, 16)}，签名 ${cp.hmac.slice(0, 16)}。` +
    `请保留本消息：核验留痕（npm run audit:verify）时，最新检查点应与此一致。`;
  await enqueueMessages(
    ctx.trx,
    to.map((r) => ({ topic: "audit.checkpoint", to: r, payload: { text, seq: cp.seq, digest: cp.digest, hmac: cp.hmac } })),
    at,
  );
  return cp;
};
