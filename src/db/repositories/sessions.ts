import { randomBytes } from "node:crypto";
import { hashToken } from "./apiTokens";
import type { Executor } from "../client";

export const SESSION_HOURS = 12;

/** A new sign-in session; the clear session id and CSRF token exist only in the answer to the sign-in. */
export async function createSession(db: Executor, userId: number, now: Date): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await db.insertInto("sessions").values({ tokenHash: hashToken(sessionId), userId, csrfToken, expiresAt }).execute();
  return { sessionId, csrfToken, expiresAt };
}

export async function findSession(db: Executor, sessionId: string, now: Date) {
  return db
    .selectFrom("sessions")
    .select(["id", "userId", "csrfToken", "expiresAt"])
    .where("tokenHash", "=", hashToken(sessionId))
    .where("expiresAt", ">", now)
    .executeTakeFirst();
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("tokenHash", "=", hashToken(sessionId)).execute();
}
