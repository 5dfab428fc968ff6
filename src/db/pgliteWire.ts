import type { PGlite } from "@electric-sql/pglite";
import type { CompiledQuery, QueryResult } from "kysely";
import { KEEPS_PREPARED, PREPARABLE, PREPARED_STATEMENTS, STALE_PREPARED } from "./preparedStatements";

/**
 * One statement on PGlite in one call into it, as node-postgres sends one to a server: Parse, Bind, Describe,
 * Execute and Sync together. PGlite's own `query()` sends the same messages one call each, and first asks for the
 * parameters' types (Describe of the statement) to pick a serializer for each value: six calls into the WebAssembly
 * module per statement, 0.45-0.6 ms even for `select 1`, against 0.14-0.23 ms in one call (measured on this
 * project's 2-core machines: npm run bench:wire, test/bench/RESULTS-pglite-wire.md). On PGlite every statement runs in the thread that
 * answers the platform, so this is most of what a chat event costs there.
 *
 * The values are sent as text with their types left to PostgreSQL, exactly as node-postgres sends them
 * (src/db/client.ts uses it on PostgreSQL): null; strings as they are; numbers, bigints and booleans as
 * PostgreSQL reads them; Dates as ISO 8601 instants; arrays as array literals; bytes as bytea hex; other objects
 * as JSON. The code runs on both databases, so it already passes every value in a form PostgreSQL reads without
 * knowing the type from the client. Rows are read with PGlite's own parsers, as `query()` reads them (readResult).
 */
export interface PgliteModule {
  protocol: typeof import("@electric-sql/pglite").protocol;
}

/**
 * Statements are kept prepared as ./preparedStatements.ts says, here by their text in this executor's session:
 * a statement of another kind (DDL) closes them all in the same call, one whose first run fails is closed.
 * `prepared`: how many to keep, the least recently used closed first (0: none, every statement parsed each time).
 */
export function createWireExecutor(pglite: PGlite, mod: PgliteModule, { prepared: capacity = PREPARED_STATEMENTS } = {}) {
  const { serialize } = mod.protocol;
  const sync = serialize.sync();
  const describePortal = serialize.describe({ type: "P" });
  const execute = serialize.execute({});
  /** SQL text -> statement name, least recently used first */
  const names = new Map<string, string>();
  const close = (name: string) => serialize.close({ type: "S", name });
  const run = async (message: Uint8Array) => (await pglite._runExclusiveQuery(() => pglite.execProtocol(message, { syncToFs: false }))).messages;

  return async function executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const text = compiled.sql;
    const parts: Uint8Array[] = [];
    let name = names.get(text);
    let fresh = false;
    if (name !== undefined) {
      names.delete(text); // most recently used: to the end
      names.set(text, name);
    } else if (capacity > 0 && PREPARABLE.test(text)) {
      name = `xt_${++serial}`;
      fresh = true;
      names.set(text, name);
      if (names.size > capacity) {
        const [oldest, oldName] = names.entries().next().value as [string, string];
        names.delete(oldest);
        parts.push(close(oldName));
      }
      parts.push(serialize.parse({ name, text, types: [] }));
    } else {
      if (!KEEPS_PREPARED.test(text)) {
        for (const kept of names.values()) parts.push(close(kept));
        names.clear();
      }
      parts.push(serialize.parse({ text, types: [] }));
    }
    parts.push(serialize.bind({ statement: name ?? "", values: compiled.parameters.map(wireText) }), describePortal, execute, sync);
    try {
      // PostgreSQL answers an error in any step and skips to the Sync, so the connection is ready again whatever
      // happened; execProtocol then throws the DatabaseError (with its SQLSTATE code), as query() would.
      return readResult<R>(await run(concat(parts)), pglite.parsers);
    } catch (err) {
      // a statement prepared in this call may or may not exist now (Parse failed, or a later step did): closing
      // it is harmless either way; one kept from before stays, unless PostgreSQL says it can no longer be used
      const code = (err as { code?: string }).code;
      if (name !== undefined && (fresh || STALE_PREPARED.has(code ?? ""))) {
        names.delete(text);
        await run(concat([close(name), sync])).catch(() => undefined);
      }
      throw err;
    }
  };
}

/** statement names are unique in the process (tests open several executors on one PGlite) */
let serial = 0;

type BackendMessage = Awaited<ReturnType<PGlite["execProtocol"]>>["messages"][number];
type Parsers = PGlite["parsers"];

/**
 * The rows and the count of rows changed, each value read by PGlite's parser for its type, as PGlite's own
 * parseResults reads them. (That one copies every parser into a new object on each call, 0.19 ms: more than the
 * statement itself.)
 */
export function readResult<R>(messages: BackendMessage[], parsers: Parsers): QueryResult<R> {
  let fields: Array<{ name: string; dataTypeID: number }> = [];
  const rows: R[] = [];
  let affected = 0;
  for (const m of messages) {
    if (m.name === "rowDescription") fields = (m as unknown as { fields: Array<{ name: string; dataTypeID: number }> }).fields;
    else if (m.name === "dataRow") {
      const values = (m as unknown as { fields: Array<string | null> }).fields;
      const row: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i++) {
        const { name, dataTypeID } = fields[i]!;
        const text = values[i]!;
        const parse = parsers[dataTypeID];
        row[name] = text === null ? null : parse ? parse(text, dataTypeID) : text;
      }
      rows.push(row as R);
    } else if (m.name === "commandComplete") affected += changedBy((m as unknown as { text: string }).text);
  }
  return affected ? { rows, numAffectedRows: BigInt(affected) } : { rows };
}

/** "INSERT 0 3", "UPDATE 2", "DELETE 1", "MERGE 4": the rows the command changed */
function changedBy(tag: string): number {
  const words = tag.split(" ");
  if (words[0] === "INSERT") return Number(words[2]) || 0;
  if (words[0] === "UPDATE" || words[0] === "DELETE" || words[0] === "MERGE" || words[0] === "COPY") return Number(words[1]) || 0;
  return 0;
}

/** A parameter as text for PostgreSQL to read in the type it infers (node-postgres's rules), or null. */
export function wireText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** `{a,"b c",NULL,{1,2}}`: every element quoted (but NULL and nested arrays), `"` and `\` escaped. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = v instanceof Uint8Array ? wireText(v)! : typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : wireText(v)!;
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
