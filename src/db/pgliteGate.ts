import type { DatabaseConnection, Driver, TransactionSettings } from "kysely";

/**
 * PGlite is one connection in this thread: one holder at a time (a transaction holds it from BEGIN to COMMIT).
 * Waiters are of two kinds. Answers someone is waiting on (the platform's 3-second ack of an event, a card
 * click) go before queued background work (the inbox worker, delivery, sweeps), so that an ack waits for the
 * one transaction running, not for every transaction queued before it. Background work is never starved:
 * after MAX_URGENT_IN_A_ROW answers in a row, a waiting background holder goes next.
 */
export const MAX_URGENT_IN_A_ROW = 4;

export class ConnectionGate {
  private held = false;
  private inARow = 0;
  private readonly urgent: Array<() => void> = [];
  private readonly background: Array<() => void> = [];

  acquire(urgent: boolean): Promise<void> {
    if (!this.held) {
      this.held = true;
      this.inARow = urgent ? 1 : 0;
      return Promise.resolve();
    }
    return new Promise((resolve) => (urgent ? this.urgent : this.background).push(resolve));
  }

  release(): void {
    const backgroundTurn = this.background.length > 0 && (this.urgent.length === 0 || this.inARow >= MAX_URGENT_IN_A_ROW);
    const next = backgroundTurn ? this.background.shift() : this.urgent.shift();
    if (!next) {
      this.held = false;
      this.inARow = 0;
      return;
    }
    this.inARow = backgroundTurn ? 0 : this.inARow + 1;
    next();
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
  constructor(
    private readonly inner: Driver,
    private readonly gate: ConnectionGate,
    private readonly urgent: boolean,
  ) {}

  async init(): Promise<void> {
    // the inner driver is initialised once, by its owner (createPgliteDb)
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.acquire(this.urgent);
    try {
      return await this.inner.acquireConnection();
    } catch (err) {
      this.gate.release();
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.gate.release();
    }
  }

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
