import { sql } from "kysely";
import type { Db, Executor } from "../client";
import type { OutboxRow } from "../tables";

// The platform's send quotas, shared by every delivery worker of every process: one row for the whole app
// (about 50 sends/s) and one per recipient (5/s per chat or user). A worker leases a recipient before sending
// to it, so one recipient's messages go out one at a time and in order, spaced by the time stored in its row.

export const APP_SCOPE = "app";

export function recipientScope(m: RecipientKey): string {
  return `${m.recipientType}:${m.recipientId}`;
}

export interface RecipientLease {
  scope: string;
  recipientType: OutboxRow["recipientType"];
  recipientId: string;
  /** the earliest time the next send to this recipient may start */
  nextSendAt: Date;
}

export interface LeaseRequest {
  owner: string;
  /** messages due by this time (the app's clock) */
  dueAt: Date;
  /** the quotas' and leases' clock */
  now: Date;
  /** recipients whose next send is at most this far ahead are leased (the worker waits the rest) */
  horizonMs: number;
  leaseMs: number;
  limit: number;
  /**
   * Recipients held by all workers of all processes together, at most (unexpired leases). Every held recipient
   * competes for the app's send slots; with more of them than the app's quota over one recipient's, each gets
   * less than its own quota and a busy chat drains slower than it may. Unlimited when omitted.
   */
  maxLeased?: number;
  /** recipients not to lease (this worker gave them back unsent in this pass) */
  exclude?: string[];
  /** where this worker's last walk over the recipients stopped (see leaseDueRecipients); unset: from the start */
  after?: RecipientKey | null | undefined;
}

export type RecipientKey = Pick<OutboxRow, "recipientType" | "recipientId">;

export interface Leased {
  leases: RecipientLease[];
  /** where the walk stopped: the next call goes on after it (null: it reached the last recipient) */
  after: RecipientKey | null;
  /** false: nothing was walked (the app is held, or enough recipients are held already): walking on finds nothing */
  walked: boolean;
}

/** recipients looked at, at most, in one walk: a refill costs the same with 100 or 100,000 messages waiting */
export const MAX_VISITS = 200;

/**
 * Leases up to `limit` recipients whose next waiting message is due and that no other worker holds, the oldest
 * waiting message first. Each call looks at a window of at most MAX_VISITS recipients (walkRecipients), the one
 * after where the last call's window ended (`after`; null: from the first), so a refill costs the same whatever the
 * backlog (reading the head of every recipient's queue, as this did before, took 124 ms on PGlite at 100,000
 * waiting messages: test/bench/RESULTS-refill.md). With more recipients waiting than one window holds, the windows
 * take turns. Nothing while the platform has asked the whole app to wait.
 */
export async function leaseDueRecipients(db: Db, r: LeaseRequest): Promise<Leased> {
  const horizon = new Date(r.now.getTime() + r.horizonMs);
  return db.transaction(async (trx) => {
    const none = { leases: [], after: r.after ?? null, walked: false };
    // The app's row, locked when the held recipients are counted: workers lease one at a time, so the count stays
    // true. On PGlite every transaction already runs alone (one connection), so there is nothing to lock against.
    const countLocked = r.maxLeased !== undefined && db.kind === "postgres";
    let app = await trx.selectFrom("sendQuotas").select("nextSendAt").where("scope", "=", APP_SCOPE).$if(countLocked, (q) => q.forUpdate()).executeTakeFirst();
    if (!app && countLocked) {
      await trx.insertInto("sendQuotas").values({ scope: APP_SCOPE, nextSendAt: new Date(0) }).onConflict((oc) => oc.column("scope").doNothing()).execute();
      app = await trx.selectFrom("sendQuotas").select("nextSendAt").where("scope", "=", APP_SCOPE).forUpdate().executeTakeFirst();
    }
    if (app && new Date(app.nextSendAt) > horizon) return none;
    let limit = r.limit;
    if (r.maxLeased !== undefined) {
      const held = await trx
        .selectFrom("sendQuotas")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("scope", "<>", APP_SCOPE)
        .where("leaseOwner", "is not", null)
        .where("leaseUntil", ">", r.now)
        .executeTakeFirstOrThrow();
      limit = Math.min(limit, r.maxLeased - Number(held.n));
      if (limit <= 0) return none;
    }
    // More candidates than wanted: a worker leasing at this very moment takes some of them.
    const wanted = limit * 4;
    const { candidates, after } = await walkRecipients(trx, r, horizon, r.after ?? null, wanted);
    if (candidates.length === 0) return { leases: [], after, walked: true };
    const oldestFirst = candidates.map((x) => x.scope);
    const scopes = [...oldestFirst].sort(); // one insertion order for every worker: no deadlock
    await trx
      .insertInto("sendQuotas")
      .values(scopes.map((scope) => ({ scope, nextSendAt: new Date(0) })))
      .onConflict((oc) => oc.column("scope").doNothing())
      .execute();
    // The free ones, locked (another worker's pick is skipped), then leased by key: two statements, not an UPDATE
    // over a locking subquery, which PGlite once kept re-evaluating without end under CI load.
    const free = await trx
      .selectFrom("sendQuotas")
      .select("scope")
      .where("scope", "in", scopes)
      .where((w) => w.or([w("leaseOwner", "is", null), w("leaseUntil", "<=", r.now)]))
      .where("nextSendAt", "<=", horizon)
      .orderBy(sql`array_position(${oldestFirst}::text[], scope)`)
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (free.length === 0) return { leases: [], after, walked: true };
    const leased = await trx
      .updateTable("sendQuotas")
      .set({ leaseOwner: r.owner, leaseUntil: new Date(r.now.getTime() + r.leaseMs) })
      .where(
        "scope",
        "in",
        free.map((f) => f.scope),
      )
      .returning(["scope", "nextSendAt"])
      .execute();
    const byScope = new Map(candidates.map((x) => [x.scope, x]));
    const leases = leased
      .map((l) => ({ ...byScope.get(l.scope)!, nextSendAt: new Date(l.nextSendAt) }))
      .sort((a, b) => oldestFirst.indexOf(a.scope) - oldestFirst.indexOf(b.scope));
    return { leases, after, walked: true };
  });
}

type Candidate = { scope: string; recipientType: OutboxRow["recipientType"]; recipientId: string };

/**
 * Looks at the next MAX_VISITS recipients with waiting messages in key order after `from` (a loose index scan over
 * outbox_recipient_queue_idx: one index probe each, whatever their backlog), and answers, oldest waiting message
 * first, up to `wanted` of them that can be leased now: the head of their queue due, not excluded, not held by
 * another worker, their quota free within the horizon. `after` is the last recipient looked at, or null when the
 * walk reached the last one. With up to MAX_VISITS recipients waiting (the usual case) that is the oldest first
 * over all of them, as the messages were queued; with more, over each window of MAX_VISITS in turn.
 */
async function walkRecipients(trx: Executor, r: LeaseRequest, horizon: Date, from: RecipientKey | null, wanted: number): Promise<{ candidates: Candidate[]; after: RecipientKey | null }> {
  const pending = sql`delivered_at is null and parked_at is null`;
  const past = from ? sql`and (o.recipient_type, o.recipient_id) > (${from.recipientType}, ${from.recipientId})` : sql``;
  const { rows } = await sql<Candidate & { n: number; headId: number; eligible: boolean }>`
    with recursive w (recipient_type, recipient_id, head_id, next_attempt_at, n) as (
      (select o.recipient_type, o.recipient_id, o.id, o.next_attempt_at, 1 from outbox o
        where ${pending} ${past}
        order by o.recipient_type, o.recipient_id, o.id limit 1)
      union all
      select h.recipient_type, h.recipient_id, h.id, h.next_attempt_at, w.n + 1 from w cross join lateral (
        select o.recipient_type, o.recipient_id, o.id, o.next_attempt_at from outbox o
        where ${pending} and (o.recipient_type, o.recipient_id) > (w.recipient_type, w.recipient_id)
        order by o.recipient_type, o.recipient_id, o.id limit 1) h
      where w.n < ${MAX_VISITS})
    select w.recipient_type, w.recipient_id, w.scope, w.n, w.head_id,
      (w.next_attempt_at <= ${r.dueAt}
        and not (w.scope = any(${r.exclude ?? []}::text[]))
        and not exists (select 1 from send_quotas q where q.scope = w.scope
          and not ((q.lease_owner is null or q.lease_until <= ${r.now}) and q.next_send_at <= ${horizon}))) as eligible
    from (select w.*, w.recipient_type || ':' || w.recipient_id as scope from w) w`.execute(trx);
  rows.sort((a, b) => Number(a.n) - Number(b.n));
  const last = rows.at(-1);
  const after = last && Number(last.n) >= MAX_VISITS ? { recipientType: last.recipientType, recipientId: last.recipientId } : null;
  const candidates = rows
    .filter((x) => x.eligible)
    .sort((a, b) => Number(a.headId) - Number(b.headId))
    .slice(0, wanted)
    .map(({ scope, recipientType, recipientId }) => ({ scope, recipientType, recipientId }));
  return { candidates, after };
}

/** Extends the lease right before a send; false when another worker has taken the recipient over. */
export async function renewLease(db: Executor, scope: string, owner: string, until: Date): Promise<boolean> {
  const r = await db.updateTable("sendQuotas").set({ leaseUntil: until }).where("scope", "=", scope).where("leaseOwner", "=", owner).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives the recipient back, with the earliest time its next send may start. */
export async function releaseLease(db: Executor, scope: string, owner: string, nextSendAt: Date): Promise<void> {
  await db
    .updateTable("sendQuotas")
    .set({ leaseOwner: null, leaseUntil: null, nextSendAt })
    .where("scope", "=", scope)
    .where("leaseOwner", "=", owner)
    .execute();
}

/**
 * Takes the app's next send slot, `intervalMs` after the one before (or now): the caller waits until the answer.
 * null when the next slot is further than `horizonMs` away (the platform asked the app to wait). The app's row is
 * created when it is missing (the migration makes it, but a row that is gone must not stop delivery: a missing row
 * once read as "the app is held" for ever, and every lane gave its recipient back unsent, again and again).
 */
export async function takeAppSlot(db: Executor, now: Date, intervalMs: number, horizonMs: number): Promise<Date | null> {
  const { rows } = await sql<{ slot: Date }>`
    insert into send_quotas (scope, next_send_at) values (${APP_SCOPE}, ${now}::timestamptz + ${intervalMs} * interval '1 millisecond')
    on conflict (scope) do update set next_send_at = greatest(send_quotas.next_send_at, ${now}) + ${intervalMs} * interval '1 millisecond'
      where send_quotas.next_send_at <= ${new Date(now.getTime() + horizonMs)}
    returning next_send_at - ${intervalMs} * interval '1 millisecond' as slot`.execute(db);
  return rows[0] ? new Date(rows[0].slot) : null;
}

/** The platform said the whole app sends too fast: every worker holds off until `until`. */
export async function holdApp(db: Executor, until: Date): Promise<void> {
  await sql`
    insert into send_quotas (scope, next_send_at) values (${APP_SCOPE}, ${until})
    on conflict (scope) do update set next_send_at = greatest(send_quotas.next_send_at, excluded.next_send_at)`.execute(db);
}

/**
 * When delivery next has something to do: the earliest due queue head, no earlier than its quotas allow (for a
 * harness whose one clock is both the app's and the quotas').
 */
export async function nextDeliveryAt(db: Executor): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select min(greatest(h.next_attempt_at, coalesce(q.next_send_at, 'epoch'), coalesce(a.next_send_at, 'epoch'))) as at
    from (
      select distinct on (recipient_type, recipient_id) next_attempt_at, recipient_type || ':' || recipient_id as scope
      from outbox where delivered_at is null and parked_at is null
      order by recipient_type, recipient_id, id
    ) h
    left join send_quotas q on q.scope = h.scope
    left join send_quotas a on a.scope = ${APP_SCOPE}`.execute(db);
  return rows[0]?.at ? new Date(rows[0].at) : null;
}
