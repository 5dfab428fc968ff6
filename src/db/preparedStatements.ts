import { createHash } from "node:crypto";

/**
 * Which statements are kept prepared, on both databases. A statement that reads or writes rows (select, insert,
 * update, delete, with) is parsed once per session under a name and then only bound and executed: PostgreSQL keeps
 * its parse tree and, once a generic plan costs no more than the custom ones (after five runs), the plan too, as
 * pgx and JDBC do for every statement. One chat event's handling replayed on PGlite: 4.3 ms parsed each time, 2.3
 * ms kept prepared (test/bench/RESULTS-pglite-wire.md).
 *
 * PostgreSQL re-checks a kept plan whenever a table it reads changes, but a kept statement whose result columns
 * change (`returning *` after a migration adds one) fails with 0A000 ("cached plan must not change result type").
 * So a statement of any other kind than these and transaction control (DDL, DO, …) sent through the same session
 * retires the session's prepared statements; and after a statement fails with 0A000 (a migration run by another
 * server) or 26000, they are prepared afresh. A session keeps at most 256 (statements built with a list of
 * values are one text per length).
 */
export const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** Statements that change no table's columns: the prepared ones stay. */
export const KEEPS_PREPARED = /^\s*(begin|start|commit|end|rollback|abort|savepoint|release|set|reset|show|vacuum|analyze|checkpoint|lock|listen|unlisten|notify|explain)\b/i;

/** How many statements a session keeps prepared at most */
export const PREPARED_STATEMENTS = 256;

/** SQLSTATEs after which a kept statement is prepared afresh */
export const STALE_PREPARED = new Set(["0A000", "26000"]);

interface PgClient {
  query(...args: never[]): unknown;
}

/**
 * node-postgres: Kysely calls `client.query(text, values)`; a preparable statement goes as a named one instead
 * (node-postgres parses a name once per connection). The name is the text's hash and the session's generation.
 * The generation moves on after DDL or a stale statement, so that every statement is prepared afresh, and when
 * `capacity` names were prepared in it: the session's statements are then deallocated before the next one.
 */
export function preparingClient<C extends PgClient>(client: C, capacity = PREPARED_STATEMENTS): C {
  const query = (client.query as (...args: unknown[]) => Promise<unknown>).bind(client);
  let generation = 0;
  const named = new Set<string>();
  let deallocate = false;
  const retire = () => {
    generation++;
    deallocate = true;
    // node-postgres remembers what it parsed on this connection, name by name; forget the retired ones
    const parsed = (client as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
    for (const name of named) if (parsed) delete parsed[name];
    named.clear();
  };
  (client as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== "string") return query(text, ...rest); // a config object or a cursor: as it is
    if (!PREPARABLE.test(text)) {
      if (!KEEPS_PREPARED.test(text)) retire();
      return query(text, ...rest);
    }
    if (rest.length !== 1 || !Array.isArray(rest[0])) return query(text, ...rest); // not Kysely's (text, values)
    const name = `xt${generation}_${createHash("sha1").update(text).digest("base64url")}`;
    const run = async () => {
      if (deallocate) {
        deallocate = false;
        // not transactional, allowed in a transaction; refused only in one already failed, where the statement
        // below fails anyway
        await query("deallocate all").catch(() => undefined);
      }
      named.add(name);
      try {
        return await query({ name, text, values: rest[0] });
      } catch (err) {
        if (STALE_PREPARED.has((err as { code?: string }).code ?? "")) retire();
        throw err;
      } finally {
        if (named.size >= capacity) retire();
      }
    };
    return run();
  };
  return client;
}
