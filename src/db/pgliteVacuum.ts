import { sql, type Kysely, type RawBuilder } from "kysely";
import { createJobLoop } from "../jobs/loop";
import type { Database } from "./tables";

/**
 * PGlite runs PostgreSQL in single-user mode, where no autovacuum runs: left alone, no table is ever vacuumed or
 * analysed. Dead row versions then stay in the heap and in the partial indexes of pending work (every delivered
 * message, every handled event), and the planner never learns how large a table is: with 100,000 messages waiting
 * it read a recipient's queue through the wrong index and sorted it (45 ms instead of 3; a delivery refill took 211
 * ms instead of 12, test/bench/RESULTS-events.md). So a PGlite database runs its own autovacuum, with PostgreSQL's
 * own default thresholds, from the statistics PGlite keeps (pg_stat_user_tables). Each table is one statement of
 * its own through the background handle, so an ack waiting at the gate goes between two of them; and a round
 * waits for a moment when no ack is waiting (startAutovacuum).
 */

/** PostgreSQL's autovacuum defaults (autovacuum_vacuum_threshold, _scale_factor, _insert_threshold, …). */
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;
const INSERT_THRESHOLD = 1000;
const INSERT_SCALE = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;

/**
 * ANALYZE reads a sample of 300 × the statistics target rows (30,000 at PostgreSQL's default target of 100) and
 * holds it whole in memory, every column of every row, whatever the columns' own targets. In PGlite that memory is
 * the WebAssembly module's, which never shrinks: the largest sample ever taken stays resident for the life of the
 * process: one analyze of 30,000 rows of 1.4 kB grew it by 59 MB. The outbox's and the audit trail's rows are the
 * widest and the most numerous; in a 6-minute bench their samples took the module from 47 to 66 MB at the end
 * (test/bench/RESULTS-events.md, "PGlite's WebAssembly memory under load"). So each table is analysed with
 * the largest target whose sample fits ANALYZE_SAMPLE_BYTES, by the table's own bytes per row, between
 * MIN_STATISTICS_TARGET and PostgreSQL's default: the narrow tables the lists filter on (requests, tasks) keep
 * the default; a wide log gets a coarser histogram of columns it is only ever read by through an index.
 */
export const ANALYZE_SAMPLE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_STATISTICS_TARGET = 100;
export const MIN_STATISTICS_TARGET = 10;
/** ANALYZE samples this many rows per unit of statistics target (PostgreSQL's std_typanalyze) */
const ROWS_PER_TARGET = 300;

/** The statistics target whose ANALYZE sample of rows of `bytesPerRow` fits ANALYZE_SAMPLE_BYTES. */
export function statisticsTarget(bytesPerRow: number): number {
  if (!(bytesPerRow > 0)) return DEFAULT_STATISTICS_TARGET;
  const fits = Math.floor(ANALYZE_SAMPLE_BYTES / (ROWS_PER_TARGET * bytesPerRow));
  return Math.max(MIN_STATISTICS_TARGET, Math.min(DEFAULT_STATISTICS_TARGET, fits));
}

export interface TableDue {
  table: string;
  /** VACUUM (ANALYZE): dead rows or rows inserted since the last vacuum past the threshold */
  vacuum: boolean;
  /** the statistics target it is analysed with (statisticsTarget) */
  target: number;
  /**
   * its rows were never counted (statistics lost when the process did not stop cleanly, on a table never
   * analysed): analysed first with the smallest sample, which counts them, then again with the target that fits
   */
  unsized: boolean;
}

interface TableStats {
  table: string;
  /** the planner's row count from the last vacuum or analyze; -1: never */
  reltuples: number;
  bytes: number;
  /** live rows by PGlite's own counters: the row count before the first analyze */
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
}

/** The tables of the current schema due for a vacuum or an analyze, as PostgreSQL's autovacuum would decide. */
export async function tablesDue(db: Kysely<Database>): Promise<TableDue[]> {
  const { rows } = await sql<TableStats>`
    select s.relname as "table", c.reltuples::float8 as reltuples, pg_relation_size(s.relid)::float8 as bytes,
      s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead, s.n_mod_since_analyze::float8 as "modifiedSinceAnalyze",
      s.n_ins_since_vacuum::float8 as "insertedSinceVacuum"
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()
    order by s.relname`.execute(db);
  const due: TableDue[] = [];
  for (const t of rows) {
    // Statistics are lost when the process did not stop cleanly; a table never vacuumed nor analysed that holds
    // rows is analysed whatever its counters say.
    const never = Number(t.reltuples) < 0 && Number(t.bytes) > 0;
    const tuples = Math.max(0, Number(t.reltuples));
    const vacuum = Number(t.dead) > VACUUM_THRESHOLD + VACUUM_SCALE * tuples || Number(t.insertedSinceVacuum) > INSERT_THRESHOLD + INSERT_SCALE * tuples;
    const analyze = never || Number(t.modifiedSinceAnalyze) > ANALYZE_THRESHOLD + ANALYZE_SCALE * tuples;
    const rows = Math.max(tuples, Number(t.live) + Number(t.dead));
    const unsized = rows === 0 && Number(t.bytes) > 0;
    const target = unsized ? MIN_STATISTICS_TARGET : statisticsTarget(rows > 0 ? Number(t.bytes) / rows : 0);
    if (vacuum || analyze) due.push({ table: t.table, vacuum, target, unsized });
  }
  return due;
}

/** Runs one VACUUM or ANALYZE with this statistics target for the columns that have none of their own. */
async function withStatisticsTarget(db: Kysely<Database>, target: number, statement: RawBuilder<unknown>): Promise<void> {
  // a setting of the session, for this one statement (VACUUM cannot run in a transaction, to SET LOCAL in)
  await sql`set default_statistics_target = ${sql.lit(target)}`.execute(db);
  try {
    await statement.execute(db);
  } finally {
    await sql`reset default_statistics_target`.execute(db);
  }
}

/** A table's bytes per row by the row count its last ANALYZE estimated (0: none). */
async function bytesPerRow(db: Kysely<Database>, table: string): Promise<number> {
  const { rows } = await sql<{ bytes: number; rows: number }>`
    select pg_relation_size(c.oid)::float8 as bytes, c.reltuples::float8 as rows
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relname = ${table} and n.nspname = current_schema()`.execute(db);
  const row = rows[0];
  return row && Number(row.rows) > 0 ? Number(row.bytes) / Number(row.rows) : 0;
}

/**
 * One round: every table due is vacuumed (and analysed) or analysed, one statement each (an unsized table: two), as
 * long as `goOn` says so before each table (the rest wait for the next round). Answers what it did.
 */
export async function vacuumDueTables(db: Kysely<Database>, goOn: () => boolean = () => true): Promise<TableDue[]> {
  const done: TableDue[] = [];
  for (const t of await tablesDue(db)) {
    if (!goOn()) break;
    await withStatisticsTarget(db, t.target, sql`${sql.raw(t.vacuum ? "vacuum (analyze)" : "analyze")} ${sql.id(t.table)}`);
    if (t.unsized) {
      const fits = statisticsTarget(await bytesPerRow(db, t.table));
      if (fits > t.target) await withStatisticsTarget(db, fits, sql`analyze ${sql.id(t.table)}`);
    }
    done.push(t);
  }
  return done;
}

export interface AutovacuumOptions {
  /** how often it looks whether a round is due, ms */
  intervalMs: number;
  /** ms since an answer (an ack, a card click) last waited for the connection (the gate's quietMs) */
  quietForMs: () => number;
  /** a round waits for this long without answers … */
  quietMs?: number;
  /** … but no longer than this after the last round, ms */
  maxWaitMs?: number;
}

/** Rounds wait for 2 s without an answer waiting, and for no longer than 5 minutes after the last round. */
export const AUTOVACUUM_QUIET_MS = 2_000;
export const AUTOVACUUM_MAX_WAIT_MS = 5 * 60_000;

/**
 * Runs vacuumDueTables, as every periodic job runs (createJobLoop: one round at a time, a failed round logged and
 * tried again at the next tick, the timer not keeping the process alive), at a quiet moment.
 *
 * A vacuum in PGlite runs in this thread, and nothing else does while it runs: one statement of a busy table took
 * 450-490 ms, and one round 1.3 s, after a minute of 900 events a second (test/bench/RESULTS-events.md). An ack
 * that arrives meanwhile waits for it. So a round waits until no answer has waited on the database for
 * `quietMs`: between bursts, while the platform sends nothing; and stops between two tables when an ack comes
 * (a burst that begins meanwhile waits for one statement, not for the round). Looked at every `intervalMs` (10 s by default), a
 * quiet database is vacuumed as often as PostgreSQL's thresholds call for, and each table has little to do.
 * Under load that never pauses, a round runs anyway once `maxWaitMs` has passed since the last one: the tables
 * still get their statistics and their dead rows back, and the acks wait for it that once.
 */
export function startAutovacuum(db: Kysely<Database>, opts: AutovacuumOptions) {
  const quietMs = opts.quietMs ?? AUTOVACUUM_QUIET_MS;
  const maxWaitMs = opts.maxWaitMs ?? AUTOVACUUM_MAX_WAIT_MS;
  let lastRound = performance.now();
  const quiet = () => opts.quietForMs() >= quietMs;
  const loop = createJobLoop("PGlite 自动清理（vacuum）", async () => {
    const overdue = performance.now() - lastRound >= maxWaitMs;
    if (!overdue && !quiet()) return false;
    // A quiet round stops between two tables once an ack comes (a burst begins); the tables left wait for the next
    // quiet moment, or for the round that is overdue, which goes on to the end.
    let stopped = false;
    await vacuumDueTables(db, () => overdue || quiet() || ((stopped = true), false));
    if (!stopped) lastRound = performance.now();
    return false;
  }, opts.intervalMs);
  loop.start();
  return loop;
}
