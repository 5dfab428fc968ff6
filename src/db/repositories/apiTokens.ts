import { createHash, randomBytes } from "node:crypto";
import type { TokenActor } from "../../policies/actor";
import type { Executor } from "../client";

export type TokenRole = TokenActor["role"];

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token and returns it in clear text, the only time it exists outside the caller: only its hash is stored. */
export async function issueApiToken(db: Executor, input: { name: string; role: TokenRole; userId?: number | null }): Promise<{ id: number; token: string }> {
  const token = `xt_${randomBytes(32).toString("base64url")}`;
  const row = await db
    .insertInto("apiTokens")
    .values({ name: input.name, role: input.role, userId: input.userId ?? null, tokenHash: hashToken(token) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function findActiveToken(db: Executor, token: string) {
  return db
    .selectFrom("apiTokens")
    .selectAll()
    .where("tokenHash", "=", hashToken(token))
    .where("revokedAt", "is", null)
    .executeTakeFirst();
}

export async function touchToken(db: Executor, id: number, at: Date): Promise<void> {
  await db.updateTable("apiTokens").set({ lastUsedAt: at }).where("id", "=", id).execute();
}
