import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from "kysely";

/**
 * PGlite is one connection in this thread: one holder at a time (a transaction holds it from BEGIN to COMMIT).
 * Waiters are of two kinds. Answers someone is waiting on (the platform's 3-second ack of an event, a card
 * click) go before queued background work (the inbox worker, delivery, sweeps), so that an ack waits for the
 * one transaction running, not for every transaction queued before it. Background work is never starved:
 * after MAX_URGENT_IN_A_ROW answers in a row, a waiting background holder goes next.
 *
 * A background holder gets the connection only after one turn of the event loop. PGlite answers a query without
 * real I/O (its files are read and written synchronously), so a handover is a promise resolved in a microtask:
 * without that turn, background transactions queued one behind another (or one loop of them) would run back to
 * back inside one microtask drain, and for as long as they lasted no socket was read and no timer fired: acks
 * waited, whole clusters of them, though none was queued at the gate. With the turn, an event that arrived while
 * a transaction ran is read, and its ack queued at the gate (and so put first), before the next background holder
 * starts.
 */
export const MAX_URGENT_IN_A_ROW = 4;

/** one turn of the event loop: setImmediate runs after the sockets ready now were read (setTimeout where absent) */
export type Turn = (fn: () => void) => void;
const realSetImmediate = typeof setImmediate === "function" ? setImmediate : undefined;
const eventLoopTurn: Turn = (fn) => (realSetImmediate ? realSetImmediate(fn) : setTimeout(fn, 0));

export class ConnectionGate {
  private held = false;
  private inARow = 0;
  private readonly urgent: Array<() => void> = [];
  private readonly background: Array<() => void> = [];
  /** when an answer last asked for the connection (performance.now()); -Infinity: never */
  private lastAnswerAt = -Infinity;

  /** `turn` (tests): how the gate lets the event loop turn before a background holder starts */
  constructor(private readonly turn: Turn = eventLoopTurn) {}

  /** ms since an answer (an ack, a card click) last asked for the connection: how long no one has been waiting */
  get quietMs(): number {
    return performance.now() - this.lastAnswerAt;
  }

  acquire(urgent: boolean): Promise<void> {
    if (urgent) this.lastAnswerAt = performance.now();
    if (!this.held && urgent) {
      this.held = true;
      this.inARow = 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      (urgent ? this.urgent : this.background).push(resolve);
      if (!this.held) {
        // a background holder on a free gate: it too starts after a turn (the gate counts as held meanwhile)
        this.held = true;
        this.handOver(true);
      }
    });
  }

  release(): void {
    this.handOver(true);
  }

  /** The next holder: an answer at once; a background holder after a turn, when the choice is made again. */
  private handOver(turnFirst: boolean): void {
    const backgroundTurn = this.background.length > 0 && (this.urgent.length === 0 || this.inARow >= MAX_URGENT_IN_A_ROW);
    if (!backgroundTurn) {
      const next = this.urgent.shift();
      if (!next) {
        this.held = false;
        this.inARow = 0;
        return;
      }
      this.inARow++;
      next();
      return;
    }
    if (turnFirst) {
      this.turn(() => this.handOver(false));
      return;
    }
    this.inARow = 0;
    this.background.shift()!();
  }

  /** holders waiting (tests) */
  get waiting(): { urgent: number; background: number } {
    return { urgent: this.urgent.length, background: this.background.length };
  }
}

/**
 * A Kysely driver over kysely-pglite-dialect's driver, taking the shared gate first: one gate and one inner
 * driver are shared by the two Kysely handles of a PGlite database (background and answering).
 */
export class GatedDriver implements Driver {
  /** `execute`: how the connection runs a statement (./pgliteWire.ts); unset: the inner driver's connection does */
  constructor(
    private readonly inner: Driver,
    private readonly gate: ConnectionGate,
    private readonly urgent: boolean,
    private readonly execute?: StatementRunner,
  ) {}

  async init(): Promise<void> {
    // the inner driver is initialised once, by its owner (createPgliteDb)
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire(this.urgent);
    try {
      return new SoleConnection(await this.inner.acquireConnection(), this.execute);
    } catch (err) {
      this.gate.release();
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection((connection as SoleConnection).inner);
    } finally {
      this.gate.release();
    }
  }

  // BEGIN, COMMIT and ROLLBACK go through the connection handed out (the one Kysely logs the statements of)
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async destroy(): Promise<void> {
    // the owner closes PGlite itself (createPgliteDb's close)
  }
}

/** Runs one statement on the connection (./pgliteWire.ts createWireExecutor). */
export type StatementRunner = <R>(compiled: CompiledQuery) => Promise<QueryResult<R>>;

/**
 * `select pg_advisory_xact_lock(…)` or `…_shared(…)`, alone, with arguments at most one parenthesis deep (a
 * `hashtext($1)`): what the audit appends, the audit checkpoint, org sync and the migrator take to keep concurrent
 * transactions apart.
 */
const ADVISORY_XACT_LOCK = /^\s*select\s+(pg_advisory_xact_lock(?:_shared)?)\((?:[^()]|\([^()]*\))*\)\s*;?\s*$/i;

/**
 * PGlite's one connection, as the gate hands it out: the holder is the only session there is (one process holds
 * the data folder, ./dataDirLock.ts, and the gate lets one holder in at a time), so a transaction-scoped advisory
 * lock is granted at once and can keep no one out. Such a statement is answered here, as PostgreSQL answers it
 * (one row, the function's void), without a round through PGlite: each is a whole statement on PGlite's thread
 * (0.3-0.6 ms), one or two in every command that writes an audit record. Everything else goes to PGlite.
 */
export class SoleConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly execute?: StatementRunner,
  ) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const lock = ADVISORY_XACT_LOCK.exec(compiled.sql);
    if (lock) return Promise.resolve({ rows: [{ [lock[1]!.toLowerCase()]: "" } as R] });
    return this.execute ? this.execute<R>(compiled) : this.inner.executeQuery<R>(compiled);
  }

  streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiled, chunkSize);
  }
}
