import { createHash, randomBytes } from "node:crypto";
import type { TokenActor } from "../../policies/actor";
import type { Executor } from "../client";

export type TokenRole = TokenActor["role"];
export const TOKEN_ROLES: readonly TokenRole[] = ["admin", "supervisor", "integration"];

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

/** Every token (never its hash), with the person it is bound to; active first, newest first. */
export async function listApiTokens(db: Executor) {
  return db
    .selectFrom("apiTokens")
    .leftJoin("users", "users.id", "apiTokens.userId")
    .select([
      "apiTokens.id",
      "apiTokens.name",
      "apiTokens.role",
      "apiTokens.createdAt",
      "apiTokens.lastUsedAt",
      "apiTokens.revokedAt",
      "users.openId as userOpenId",
      "users.name as userName",
    ])
    .orderBy((eb) => eb.case().when("apiTokens.revokedAt", "is", null).then(0).else(1).end())
    .orderBy("apiTokens.id", "desc")
    .execute();
}
export type ListedApiToken = Awaited<ReturnType<typeof listApiTokens>>[number];

/** Revokes an active token; answers its row, or undefined when there is no such active token. */
export async function revokeApiToken(trx: Executor, id: number, at: Date) {
  return trx
    .updateTable("apiTokens")
    .set({ revokedAt: at })
    .where("id", "=", id)
    .where("revokedAt", "is", null)
    .returning(["id", "name", "role", "userId"])
    .executeTakeFirst();
}

export async function findApiToken(db: Executor, id: number) {
  return db.selectFrom("apiTokens").select(["id", "name", "revokedAt"]).where("id", "=", id).executeTakeFirst();
}
