import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../client";
import type { AuditEventRow } from "../tables";
import { fillNumber, holdNumberedAudit, numberPendingFor, settleNumber } from "./numbering";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditRecordInput {
  /** "request:<id>" for a request's trail, "org" for configuration changes, "outbox" for admins' resends */
  chain: string;
  requestId?: number | null;
  taskId?: number | null;
  actorId: number | null;
  actorName: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  data?: Record<string, unknown>;
  at: Date;
}

export function requestChain(requestId: number): string {
  return `request:${requestId}`;
}

/**
 * The two-key advisory lock every appender holds shared and a checkpoint takes exclusively: once the
 * checkpoint holds it, every record with an id already assigned has committed (ids are handed out before
 * commit, so without it a record could commit later under an id the checkpoint believed it had covered).
 * Two-key locks live apart from the one-key per-chain locks below.
 */
const APPEND_LOCK = sql`7424, 2106`;

/** For audit checkpoints: waits until no transaction is appending, and holds new appends until commit. */
export async function holdAppends(trx: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
}

/** Takes the shared append lock (see APPEND_LOCK) ahead of time, before a hot row lock, so no one waits on it there. */
export async function shareAppendLock(trx: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${APPEND_LOCK})`.execute(trx);
}

/**
 * The first record of a chain created in this transaction (a new request's): no one else can append to a chain
 * named by an id not yet committed, so there is no chain lock to take and no head to read. The caller took the
 * shared append lock (shareAppendLock) first. While the request's number is still to be given (numbering.ts), the
 * record, which records it, is written by the statement that gives it, hashed there over the number.
 */
export async function startChain(trx: Executor, input: AuditRecordInput): Promise<void> {
  if (!numberPendingFor(trx, input.requestId)) {
    await trx.insertInto("auditEvents").values(nextRecord(input, undefined)).execute();
    return;
  }
  const record = unhashedRecord(input, undefined);
  holdNumberedAudit(trx, {
    ...record,
    data: fillNumber(trx, JSON.stringify(record.data), "jsonb"),
    // sha256 as hashRecord takes it, over the same text with the number in it
    hash: sql<string>`encode(sha256(convert_to(${fillNumber(trx, canonicalText(record))}, 'UTF8')), 'hex')`,
  });
}

/**
 * Appends one record to its chain. A transaction-scoped advisory lock on the chain serializes writers, so
 * two concurrent appends can never fork it; the lock is released at commit. The shared append lock is taken
 * first, always in that order, so a waiting checkpoint cannot deadlock two appenders.
 */
export async function appendAudit(trx: Executor, input: AuditRecordInput): Promise<AuditEventRow> {
  await settleNumber(trx); // a record held for a number not yet given may start this chain
  await sql`select pg_advisory_xact_lock_shared(${APPEND_LOCK})`.execute(trx);
  await sql`select pg_advisory_xact_lock(hashtext(${input.chain}))`.execute(trx);
  const last = await trx
    .selectFrom("auditEvents")
    .select(["seq", "hash"])
    .where("chain", "=", input.chain)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return trx.insertInto("auditEvents").values(nextRecord(input, last)).returningAll().executeTakeFirstOrThrow();
}

/** The row that follows `last` (the chain's head, or none for a new chain), hashed over what it records. */
function nextRecord(input: AuditRecordInput, last: { seq: number; hash: string } | undefined) {
  const record = unhashedRecord(input, last);
  return { ...record, data: JSON.stringify(record.data), hash: hashRecord(record) };
}

function unhashedRecord(input: AuditRecordInput, last: { seq: number; hash: string } | undefined): Hashable {
  return {
    chain: input.chain,
    seq: (last?.seq ?? 0) + 1,
    requestId: input.requestId ?? null,
    taskId: input.taskId ?? null,
    actorId: input.actorId,
    actorName: input.actorName,
    action: input.action,
    fromState: input.fromState ?? null,
    toState: input.toState ?? null,
    data: input.data ?? {},
    createdAt: input.at,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
}

type Hashable = Omit<AuditEventRow, "id" | "hash">;

/** sha256 over a canonical form of the record, including the previous record's hash. */
export function hashRecord(r: Hashable): string {
  return createHash("sha256").update(canonicalText(r)).digest("hex");
}

/** The text a record's hash is taken over. */
function canonicalText(r: Hashable): string {
  return JSON.stringify([
    r.prevHash,
    r.chain,
    r.seq,
    r.requestId,
    r.taskId,
    r.actorId,
    r.actorName,
    r.action,
    r.fromState,
    r.toState,
    canonicalize(r.data),
    new Date(r.createdAt).toISOString(),
  ]);
}

/** Sorts object keys recursively: jsonb does not keep the order the record was written in. */
function canonicalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalize);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonicalize((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

export interface ChainVerification {
  ok: boolean;
  records: number;
  /** the first record whose hash or link does not hold */
  brokenAt?: { seq: number; reason: string };
}

/**
 * Checks one chain record by record, in seq order, without holding the chain in memory (verifying every
 * chain streams them through one checker each). Reports the first break only: after it nothing links.
 */
export class ChainChecker {
  records = 0;
  brokenAt: { seq: number; reason: string } | undefined;
  lastSeq = 0;
  private prev = GENESIS_HASH;

  constructor(readonly chain: string) {}

  add(row: AuditEventRow): void {
    this.records++;
    const expected = this.lastSeq + 1;
    this.lastSeq = row.seq;
    if (this.brokenAt) return;
    const reason =
      row.seq !== expected
        ? "序号不连续（有记录被删除）"
        : row.prevHash !== this.prev
          ? "与上一条记录的哈希不衔接"
          : hashRecord(row) !== row.hash
            ? "记录内容与其哈希不符（被篡改）"
            : null;
    if (reason) this.brokenAt = { seq: row.seq, reason };
    this.prev = row.hash;
  }

  result(): ChainVerification {
    return this.brokenAt ? { ok: false, records: this.records, brokenAt: this.brokenAt } : { ok: true, records: this.records };
  }
}

export async function verifyChain(db: Executor, chain: string): Promise<ChainVerification> {
  const rows = await db.selectFrom("auditEvents").selectAll().where("chain", "=", chain).orderBy("seq").execute();
  const checker = new ChainChecker(chain);
  for (const row of rows) checker.add(row);
  return checker.result();
}

export async function listAudit(db: Executor, requestId: number): Promise<AuditEventRow[]> {
  return db.selectFrom("auditEvents").selectAll().where("chain", "=", requestChain(requestId)).orderBy("seq").execute();
}

/**
 * Appends many records at once (jobs acting on thousands of tasks): the chains are locked in sorted order (so two
 * batch writers never deadlock), each chain's last record is read in one query, and all rows go in one insert.
 * Records of one chain keep the order they are given in.
 */
export async function appendAuditBatch(trx: Executor, inputs: readonly AuditRecordInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await settleNumber(trx);
  const chains = [...new Set(inputs.map((i) => i.chain))].sort();
  // The shared append lock first, as appendAudit takes it, so that a checkpoint waits for this batch too.
  await sql`select pg_advisory_xact_lock_shared(${APPEND_LOCK})`.execute(trx);
  // unnest yields the (sorted) array in order, so the locks are taken in that order.
  await sql`select pg_advisory_xact_lock(hashtext(u.c)) from unnest(${chains}::text[]) as u(c)`.execute(trx);
  const lasts = await sql<{ chain: string; seq: number; hash: string }>`
    select distinct on (chain) chain, seq, hash from audit_events
    where chain = any(${chains}::text[])
    order by chain, seq desc`.execute(trx);
  const tip = new Map(lasts.rows.map((l) => [l.chain, { seq: l.seq, hash: l.hash }]));
  const rows = inputs.map((input) => {
    const row = nextRecord(input, tip.get(input.chain));
    tip.set(input.chain, { seq: row.seq, hash: row.hash });
    return row;
  });
  // One statement for the whole batch: a column per array (a VALUES list would bind 12 parameters per row).
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  await sql`
    insert into audit_events (chain, seq, request_id, task_id, actor_id, actor_name, action, from_state, to_state, data, created_at, prev_hash, hash)
    select chain, seq, request_id, task_id, actor_id, actor_name, action, from_state, to_state, data::jsonb, created_at, prev_hash, hash
    from unnest(${col("chain")}::text[], ${col("seq")}::int[], ${col("requestId")}::int[], ${col("taskId")}::int[], ${col("actorId")}::int[],
                         ${col("actorName")}::text[], ${col("action")}::text[], ${col("fromState")}::text[], ${col("toState")}::text[],
                         ${col("data")}::text[], ${rows.map((r) => r.createdAt.toISOString())}::timestamptz[], ${col("prevHash")}::text[], ${col("hash")}::text[])
      as v(chain, seq, request_id, task_id, actor_id, actor_name, action, from_state, to_state, data, created_at, prev_hash, hash)`.execute(trx);
}
