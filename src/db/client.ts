import { existsSync } from "node:fs";
import { join } from "node:path";
import { CamelCasePlugin, Kysely, PostgresDialect, type Dialect, type Transaction } from "kysely";
import { ConnectionGate, GatedDriver } from "./pgliteGate";
import { createWireExecutor } from "./pgliteWire";
import { preparingClient } from "./preparedStatements";
import { startAutovacuum } from "./pgliteVacuum";
import { createOrgCache, type OrgCache } from "./repositories/orgCache";
import type { Database } from "./tables";

/** PGlite's shared_buffers (PostgreSQL's default is 128MB) */
const PGLITE_SHARED_BUFFERS = "16MB";

export type DbKind = "pglite" | "postgres";

/**
 * The one handle every room gets: a Kysely instance plus how to run a transaction on it.
 * PGlite is a single connection: two overlapping transactions would interleave their statements. The
 * `kysely-pglite-dialect` driver hands its one connection to one holder at a time (a transaction holds it
 * from BEGIN to COMMIT), so transactions and queries on PGlite run strictly one after another. Never use
 * `db.kysely` inside a transaction callback: on PGlite that waits for the transaction itself.
 * PostgreSQL runs transactions concurrently and relies on row locks.
 */
export interface Db {
  kind: DbKind;
  /** PostgreSQL schema this handle works in, when not the default */
  schema?: string | undefined;
  kysely: Kysely<Database>;
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** this process's copy of the organisation (./repositories/orgCache.ts); unset: always read from the tables */
  orgCache?: OrgCache | undefined;
  /**
   * The same database, for work someone is waiting on: the platform's 3-second ack of an event, a card click.
   * On PGlite its statements and transactions go before queued background work (./pgliteGate.ts); on
   * PostgreSQL, where transactions run side by side, it is this handle itself. Unset: this handle.
   */
  answering?: Db | undefined;
}

export type Executor = Kysely<Database> | Transaction<Database>;

export interface DbOptions {
  /** postgres://… : use a PostgreSQL server through `pg`. Unset: embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite storage folder; "memory://" keeps everything in memory (tests). */
  dataDir?: string | undefined;
  /** PostgreSQL only: the schema to work in (tests isolate themselves this way). */
  schema?: string | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number | undefined;
  /** called after every statement (benches count and replay them); unset in the product */
  onQuery?: ((sql: string, parameters: readonly unknown[], ms: number) => void) | undefined;
  /**
   * PGlite only: how often its own autovacuum looks whether a round is due (./pgliteVacuum.ts), ms; 0: never.
   * Default 10 s. PostgreSQL servers run their own.
   */
  autovacuumMs?: number | undefined;
  /** PGlite only (tests): how long a round waits for a moment without acks, ms (./pgliteVacuum.ts AutovacuumOptions) */
  autovacuumQuiet?: { quietMs: number; maxWaitMs: number } | undefined;
  /**
   * How many statements stay prepared on a connection (./preparedStatements.ts; default 256); 0: each parsed
   * every time (DATABASE_PREPARED_STATEMENTS=0, Workers, benches that compare).
   */
  preparedStatements?: number | undefined;
}

/** Kysely's log option feeding `onQuery`. */
function queryLog(opts: DbOptions) {
  const onQuery = opts.onQuery;
  if (!onQuery) return {};
  return {
    log: (event: import("kysely").LogEvent) => {
      if (event.level === "query") onQuery(event.query.sql, event.query.parameters, event.queryDurationMillis);
    },
  };
}

export async function createDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return createPostgresDb(opts.databaseUrl, opts);
  return createPgliteDb(opts.dataDir ?? "./.data", opts);
}

async function createPostgresDb(url: string, opts: DbOptions): Promise<Db> {
  const pg = await import("pg");
  const Pool = pg.default?.Pool ?? (pg as unknown as { Pool: typeof import("pg").Pool }).Pool;
  const pool = new Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // A restart, failover or pg_terminate_backend makes connections emit 'error': idle ones on the pool, checked-out
  // ones on the client itself. Unheard, either would end the process. Log it; the pool drops the broken client
  // and opens a new one on the next query, and queries meanwhile fail (answered 503, see src/db/unavailable.ts).
  const logLost = (err: Error) => console.warn(`PostgreSQL 连接中断（将自动重连）：${err.message}`);
  pool.on("error", logLost);
  pool.on("connect", (client) => {
    client.on("error", logLost);
    // statements that read or write rows are kept prepared on each connection (./preparedStatements.ts)
    if (opts.preparedStatements !== 0) preparingClient(client, opts.preparedStatements);
  });
  // Fail fast with a clear message instead of on the first query.
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`无法连接 PostgreSQL（${redact(url)}）：${(err as Error).message}`);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()], ...queryLog(opts) });
  return {
    kind: "postgres",
    schema: opts.schema,
    kysely,
    orgCache: createOrgCache(),
    transaction: (fn) => kysely.transaction().execute(fn),
    close: () => kysely.destroy(),
  };
}

async function createPgliteDb(dataDir: string, opts: DbOptions = {}): Promise<Db> {
  const inMemory = dataDir.startsWith("memory://");
  const release = inMemory ? () => undefined : (await import("./dataDirLock")).acquireDataDirLock(dataDir);
  try {
    const existed = !inMemory && existsSync(join(dataDir, "PG_VERSION"));
    const pgliteModule = await import("@electric-sql/pglite");
    const { PGlite } = pgliteModule;
    const { PGliteDialect } = await import("kysely-pglite-dialect");
    // PostgreSQL's shared buffers live in PGlite's WASM memory, which never shrinks: the default (128MB) is
    // mostly touched under load. 16MB keeps an office-sized database's hot pages. A fresh folder is created
    // (initdb grows the WASM memory) and then reopened, so that the serving instance starts small.
    // A VACUUM of a table with two indexes past min_parallel_index_scan_size takes PostgreSQL's parallel path even
    // in PGlite, which has no worker to give it, and what it sets up for that path is never given back: about 2 MB
    // of WASM memory for every such vacuum of a busy outbox or audit trail (31 -> 106 MB in 80 rounds, flat
    // without: test/bench/RESULTS-events.md, "PGlite's WebAssembly memory under load"). No parallel maintenance.
    const options = {
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`, "-c", "max_parallel_maintenance_workers=0"],
    };
    let pglite = inMemory ? new PGlite(options) : new PGlite(dataDir, options);
    await pglite.waitReady;
    if (!inMemory && !existed) {
      await pglite.close();
      pglite = new PGlite(dataDir, options);
      await pglite.waitReady;
    }
    // Two handles on the one connection, through one gate: background work, and answers someone waits on.
    const base = new PGliteDialect(pglite);
    const inner = base.createDriver();
    await inner.init();
    const gate = new ConnectionGate();
    // each statement in one call into PGlite (./pgliteWire.ts)
    const wire = createWireExecutor(pglite, pgliteModule, opts.preparedStatements === undefined ? {} : { prepared: opts.preparedStatements });
    const gated = (urgent: boolean): Dialect => ({
      createAdapter: () => base.createAdapter(),
      createDriver: () => new GatedDriver(inner, gate, urgent, wire),
      createQueryCompiler: () => base.createQueryCompiler(),
      createIntrospector: (k) => base.createIntrospector(k),
    });
    const handle = (urgent: boolean) => new Kysely<Database>({ dialect: gated(urgent), plugins: [new CamelCasePlugin()], ...queryLog(opts) });
    const kysely = handle(false);
    const answeringKysely = handle(true);
    // PGlite's autovacuum: background work through the gate, on a handle of its own (not in the query log)
    const upkeep = new Kysely<Database>({ dialect: gated(false) });
    const autovacuum = opts.autovacuumMs === 0 ? null : startAutovacuum(upkeep, {
      intervalMs: opts.autovacuumMs ?? 10_000,
      quietForMs: () => gate.quietMs,
      ...opts.autovacuumQuiet,
    });
    const orgCache = createOrgCache();
    const close = async () => {
      await autovacuum?.stop();
      await upkeep.destroy();
      await kysely.destroy();
      await answeringKysely.destroy();
      await pglite.close().catch(() => undefined);
      release();
    };
    const answering: Db = {
      kind: "pglite",
      kysely: answeringKysely,
      orgCache,
      transaction: (fn) => answeringKysely.transaction().execute(fn),
      close,
    };
    answering.answering = answering;
    return { kind: "pglite", kysely, orgCache, answering, transaction: (fn) => kysely.transaction().execute(fn), close };
  } catch (err) {
    release();
    throw err;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
