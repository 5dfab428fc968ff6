import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../client";
import type { AuditCheckpointRow } from "../tables";
import { GENESIS_HASH, holdAppends } from "./audit";

/**
 * Checkpoints anchor the audit chains. Each lists the heads ([seq, hash]) of the chains that moved since the
 * previous one; its digest chains it to the previous checkpoint, and its HMAC (the key lives outside the
 * database) makes a rewritten chain plus a rewritten checkpoint detectable. Replaying every checkpoint in
 * order gives the last known head of every chain that existed when the newest one was taken.
 */

export type Heads = Record<string, [number, string]>;

/** A fingerprint of the key, never the key: tells a verifier whether it holds the key that signed. */
export function keyIdOf(key: string): string {
  return createHash("sha256").update(`xietong-audit-key:${key}`).digest("hex").slice(0, 16);
}

/** Heads in one order that does not depend on the database's collation or on jsonb's key order. */
function sortedHeads(heads: Heads): Array<[string, number, string]> {
  return Object.keys(heads)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((chain) => [chain, heads[chain]![0], heads[chain]![1]]);
}

type Content = Pick<AuditCheckpointRow, "seq" | "chainCount" | "recordCount" | "lastEventId" | "heads">;

export function checkpointDigest(prevDigest: string, c: Content): string {
  const canonical = JSON.stringify([prevDigest, c.seq, c.chainCount, c.recordCount, c.lastEventId, sortedHeads(c.heads)]);
  return createHash("sha256").update(canonical).digest("hex");
}

export function checkpointHmac(key: string, c: Pick<AuditCheckpointRow, "seq" | "takenAt" | "digest" | "prevHmac">): string {
  return createHmac("sha256", key)
    .update(JSON.stringify([c.seq, new Date(c.takenAt).toISOString(), c.digest, c.prevHmac]))
    .digest("hex");
}

export function hmacMatches(key: string, row: AuditCheckpointRow): boolean {
  const expected = Buffer.from(checkpointHmac(key, row), "hex");
  const actual = Buffer.from(row.hmac, "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export async function listCheckpoints(db: Executor): Promise<AuditCheckpointRow[]> {
  return db.selectFrom("auditCheckpoints").selectAll().orderBy("seq").execute();
}

/**
 * Takes a checkpoint in the caller's transaction, or returns null when no record was added since the last
 * one. Holds appends meanwhile (see holdAppends), so the heads it lists are exactly those of the records up
 * to its last_event_id; several machines running it at once take turns on the same lock.
 */
export async function takeCheckpoint(trx: Executor, key: string, at: Date): Promise<AuditCheckpointRow | null> {
  // Appends that start meanwhile wait for the checkpoint; it waits at most 10 s for those under way, else it
  // gives up until the next run.
  await sql`set local lock_timeout = '10s'`.execute(trx);
  await holdAppends(trx);
  // Not the heads: the first checkpoint lists every chain.
  const prev = await trx
    .selectFrom("auditCheckpoints")
    .select(["seq", "chainCount", "recordCount", "lastEventId", "digest", "hmac"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const since = prev?.lastEventId ?? 0;
  const added = await trx
    .selectFrom("auditEvents")
    .select((eb) => [eb.fn.countAll<string>().as("records"), eb.fn.max("id").as("lastId")])
    .where("id", ">", since)
    .executeTakeFirstOrThrow();
  if (Number(added.records) === 0) return null;
  const moved = await trx
    .selectFrom("auditEvents")
    .select(["chain", "seq", "hash"])
    .distinctOn("chain")
    .where("chain", "in", (eb) => eb.selectFrom("auditEvents").select("chain").where("id", ">", since))
    .orderBy("chain")
    .orderBy("seq", "desc")
    .execute();
  const newChains = await trx
    .selectFrom("auditEvents")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("id", ">", since)
    .where("seq", "=", 1)
    .executeTakeFirstOrThrow();
  const content: Content = {
    seq: (prev?.seq ?? 0) + 1,
    chainCount: (prev?.chainCount ?? 0) + Number(newChains.n),
    recordCount: (prev?.recordCount ?? 0) + Number(added.records),
    lastEventId: Number(added.lastId),
    heads: Object.fromEntries(moved.map((m) => [m.chain, [m.seq, m.hash]])),
  };
  const digest = checkpointDigest(prev?.digest ?? GENESIS_HASH, content);
  const prevHmac = prev?.hmac ?? GENESIS_HASH;
  const hmac = checkpointHmac(key, { seq: content.seq, takenAt: at, digest, prevHmac });
  return trx
    .insertInto("auditCheckpoints")
    .values({ ...content, heads: JSON.stringify(content.heads), takenAt: at, digest, prevHmac, hmac, keyId: keyIdOf(key) })
    .returningAll()
    .executeTakeFirstOrThrow();
}
