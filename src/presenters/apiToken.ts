import type { ListedApiToken } from "../db/repositories/apiTokens";

const iso = (t: Date | string | null) => (t ? new Date(t).toISOString() : null);

/** An API token for the admin: never its secret nor its hash. */
export function presentApiToken(t: ListedApiToken) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    user: t.userOpenId && t.userName ? { openId: t.userOpenId, name: t.userName } : null,
    createdAt: new Date(t.createdAt).toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  };
}
