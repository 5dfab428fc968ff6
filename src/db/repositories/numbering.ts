import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../client";

/**
 * A request created in a transaction that ends in one statement (holdNumbers) is numbered in that statement: the
 * counter row is the one row every request in the province shares, and its lock is held from the counter's update
 * to commit, so the update is the last write. Until then the request, and whatever carries its number (its first
 * audit record, its messages, the reply), carry `placeholder`, which that statement replaces with the number.
 */
interface PendingNumber {
  requestId: number;
  placeholder: string;
  prefix: string;
  year: number;
  /** audit records held for the numbering statement (the request's first, which records its number) */
  audit: Array<Record<string, unknown>>;
}

interface Holding {
  pending: PendingNumber | null;
  /** placeholders already replaced by their number in this transaction (settleNumber) */
  given: Map<string, string>;
}

const holding = new WeakMap<Executor, Holding>();

/** From now on a request created in this transaction is numbered by its last statement (numberingWith). */
export function holdNumbers(trx: Executor): void {
  holding.set(trx, { pending: null, given: new Map() });
}

/**
 * Numbers the request created in this transaction with the next sequence of (prefix, year). Numbers stay gap-free:
 * a rollback undoes the counter with the request. Answers the number; in a transaction that holds numbers, the
 * placeholder the request row carries, replaced at the end (see PendingNumber).
 */
export async function numberRequest(db: Executor, requestId: number, placeholder: string, prefix: string, year: number): Promise<string> {
  const held = holding.get(db);
  if (held) {
    await settleNumber(db); // one request at a time
    held.pending = { requestId, placeholder, prefix, year, audit: [] };
    return placeholder;
  }
  const row = await db
    .with("counter", () => counterUpdate(prefix, year))
    .with("numbered", () => numberUpdate(requestId, prefix, year))
    .selectFrom("numbered")
    .select("number")
    .executeTakeFirst();
  if (!row) throw new Error(`request ${requestId} to number not found`);
  return row.number;
}

// (in parentheses: Kysely writes a raw CTE as it is)
const counterUpdate = (prefix: string, year: number) => sql<{ lastValue: number }>`(
  insert into request_counters (prefix, year, last_value) values (${prefix}, ${year}, 1)
  on conflict (prefix, year) do update set last_value = request_counters.last_value + 1
  returning last_value)`;

/** XT-2026-000123, as formatRequestNumber writes it, from the counter's new value in the CTE `counter`. */
const numberUpdate = (requestId: number, prefix: string, year: number) => sql<{ number: string }>`(
  update requests set number = ${prefix} || '-' || ${String(year)} || '-' || lpad(counter.last_value::text, greatest(6, length(counter.last_value::text)), '0')
  from counter where requests.id = ${requestId}
  returning requests.number)`;

/**
 * The statement that gives the pending number, begun: the counter's update (`counter`), the request's number
 * (`numbered`) and the audit records held for it (`started`), as CTEs for the caller's statement to follow (a
 * data-modifying WITH; fillNumber's expressions refer to `numbered`). Undefined when no number is pending. Once
 * the statement ran, the caller calls numberGiven.
 */
export function numberingWith(db: Executor) {
  const pending = holding.get(db)?.pending;
  if (!pending) return undefined;
  const { requestId, prefix, year, audit } = pending;
  const numbered = db
    .with("counter", () => counterUpdate(prefix, year))
    .with("numbered", () => numberUpdate(requestId, prefix, year));
  if (audit.length === 0) return numbered;
  // (the records' columns are plain values and fillNumber's expressions)
  return numbered.with("started", (qc) => qc.insertInto("auditEvents").values(audit as never).returning("auditEvents.id")) as unknown as typeof numbered;
}

/** The statement numberingWith began ran: the number is given (`number`, when the statement answered it). */
export function numberGiven(db: Executor, number?: string): void {
  const held = holding.get(db);
  if (!held?.pending) return;
  if (number) held.given.set(held.pending.placeholder, number);
  held.pending = null;
}

/** The request whose number is still to be given in this transaction, if it is `requestId`. */
export function numberPendingFor(db: Executor, requestId: number | null | undefined): boolean {
  const pending = holding.get(db)?.pending;
  return !!pending && pending.requestId === requestId;
}

/** Holds an audit record (columns; see fillNumber) for the statement that gives the number. */
export function holdNumberedAudit(db: Executor, row: Record<string, unknown>): void {
  const pending = holding.get(db)?.pending;
  if (!pending) throw new Error("no request number pending in this transaction");
  pending.audit.push(row);
}

/**
 * `text` with the request's number in place of its placeholder: a string when the number is known (or the text
 * does not carry it), else an expression valid only in a statement numberingWith began.
 */
export function fillNumber(db: Executor, text: string, cast?: "jsonb"): string | RawBuilder<string> {
  const held = holding.get(db);
  if (!held) return text;
  for (const [placeholder, number] of held.given) if (text.includes(placeholder)) text = text.replaceAll(placeholder, number);
  const pending = held.pending;
  if (!pending || !text.includes(pending.placeholder)) return text;
  const filled = sql<string>`replace(${text}, ${pending.placeholder}, (select number from numbered))`;
  return cast === "jsonb" ? sql<string>`${filled}::jsonb` : filled;
}

/**
 * Gives the pending number now, with the audit records held for it, in one statement: for what must see it
 * before the transaction's end (another audit record on the request's chain, a lock on the request).
 */
export async function settleNumber(db: Executor): Promise<void> {
  const numbering = numberingWith(db);
  if (!numbering) return;
  const row = await numbering.selectFrom("numbered").select("number").executeTakeFirst();
  if (!row) throw new Error("the request to number was not found");
  numberGiven(db, row.number);
}
