import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import type { WriteHealth } from './write-health.js';

type SqlDriverAdapter = Awaited<ReturnType<SqlDriverAdapterFactory['connect']>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter['startTransaction']>>;
type SqlQuery = Parameters<SqlDriverAdapter['queryRaw']>[0];
type IsolationLevel = Parameters<SqlDriverAdapter['startTransaction']>[0];

export interface SqliteAdapterOptions {
  /** Absolute path of the database file. */
  file: string;
  /**
   * How long after it was issued a write (or a transaction start) may still retry while another connection holds the
   * write lock, in asynchronous steps: the event loop is never blocked by the wait.
   */
  busyWaitMs: number;
  /** Told how writes end, for readiness. */
  health?: WriteHealth;
}

const sql = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] });
const BEGIN = sql('BEGIN IMMEDIATE');
const COMMIT = sql('COMMIT');
const ROLLBACK = sql('ROLLBACK');

/** Statements whose success shows the database takes writes. */
const WRITE_STATEMENT = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;
/** Statements that only read (every read Prisma sends starts so). */
const READ_STATEMENT = /^\s*SELECT\b/i;

const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 100;

/**
 * Prisma's better-sqlite3 driver adapter with the connection's transaction lock owned here, so that no failure can
 * leave it held.
 *
 * The stock adapter (6.19) takes a mutex in `startTransaction` and releases it only in the transaction's
 * `commit()`/`rollback()`, which Prisma calls after its own `COMMIT`/`ROLLBACK` statement succeeded. When SQLite
 * fails a statement with SQLITE_FULL (or IOERR, NOMEM) it may roll the whole transaction back by itself; Prisma's
 * `ROLLBACK` then throws "cannot rollback - no transaction is active", `rollback()` is never reached, and every later
 * transaction on the connection (each `updateMany`, for one) waits for the mutex forever — with no timeout, since
 * Prisma's implicit transactions have none. A failing `COMMIT` or `BEGIN` leaks it the same way.
 *
 * Here a transaction ends in `commit()`/`rollback()` (Prisma's "phantom query" mode), which always release the
 * lock: a `ROLLBACK` that finds SQLite already rolled back is success, and a failed `COMMIT` is rolled back. Every
 * statement outside a transaction takes the same lock, so it can never run inside — and be rolled back with —
 * another caller's open transaction on this shared connection.
 *
 * The connection's own busy timeout is a few milliseconds (set by the caller): a write that meets another writer for
 * longer fails and is retried here after an asynchronous pause, instead of SQLite sleeping on the event loop's
 * thread for seconds. Writes retry one at a time, in the order they were issued.
 */
export function createSqliteAdapterFactory(opts: SqliteAdapterOptions): SqlDriverAdapterFactory {
  const stock = new PrismaBetterSQLite3({ url: opts.file, timeout: 0 });
  return {
    provider: 'sqlite',
    adapterName: stock.adapterName,
    async connect() {
      return new SqliteConnection(await stock.connect(), opts.busyWaitMs, opts.health);
    },
  };
}

class SqliteConnection implements SqlDriverAdapter {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  /** Held by a statement while it runs, and by a transaction from BEGIN to its end. */
  private readonly lock = new Lock();
  /** Writes queue here while they wait for another connection's write lock, so they still land in issue order. */
  private readonly writeOrder = new Lock();

  constructor(
    private readonly stock: SqlDriverAdapter,
    private readonly busyWaitMs: number,
    private readonly health: WriteHealth | undefined,
  ) {
    this.adapterName = stock.adapterName;
  }

  queryRaw(query: SqlQuery) {
    return this.statement(query.sql, () => this.stock.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    return this.statement(query.sql, () => this.stock.executeRaw(query));
  }

  executeScript(script: string) {
    return this.statement(script, () => this.stock.executeScript(script));
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // SQLite transactions are serializable; the stock adapter rejects any other level before taking its lock.
    if (isolationLevel && isolationLevel !== 'SERIALIZABLE') return this.stock.startTransaction(isolationLevel);
    return this.inWriteOrder(async () => {
      const release = await this.lock.acquire();
      try {
        // IMMEDIATE: the write lock is taken (or found busy) here, where waiting can be retried, not mid-transaction.
        await this.stock.executeRaw(BEGIN);
      } catch (err) {
        release();
        throw err;
      }
      return new SqliteTransaction(this.stock, release, this.health);
    });
  }

  dispose() {
    return this.stock.dispose();
  }

  /** Reads go straight to the connection (in WAL mode they do not wait for writers); anything else in write order. */
  private statement<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const attempt = () => this.exclusive(run, WRITE_STATEMENT.test(sql));
    return READ_STATEMENT.test(sql) ? retryWhileBusy(attempt, Date.now() + this.busyWaitMs) : this.inWriteOrder(attempt);
  }

  /**
   * One write at a time retries against another connection's lock, the others queue behind it: a later write never
   * overtakes an earlier one (a lease renewal cannot land after the release that followed it). Each write gives up
   * `busyWaitMs` after it was issued, so none runs later than that.
   */
  private async inWriteOrder<T>(attempt: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + this.busyWaitMs;
    const leave = await this.writeOrder.acquire();
    try {
      return await retryWhileBusy(attempt, giveUpAt);
    } finally {
      leave();
    }
  }

  private async exclusive<T>(run: () => Promise<T>, writes: boolean): Promise<T> {
    const release = await this.lock.acquire();
    try {
      const result = await run();
      if (writes) this.health?.succeeded();
      return result;
    } catch (err) {
      this.health?.failed(sqliteCodeOf(err));
      throw err;
    } finally {
      release();
    }
  }
}

class SqliteTransaction implements Transaction {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  /** Prisma calls commit()/rollback() only, and they run COMMIT/ROLLBACK themselves. */
  readonly options = { usePhantomQuery: true };
  /** Whether a committed transaction shows the database takes writes (an empty one does not). */
  private wrote = false;

  constructor(
    private readonly stock: SqlDriverAdapter,
    private readonly release: () => void,
    private readonly health: WriteHealth | undefined,
  ) {
    this.adapterName = stock.adapterName;
  }

  queryRaw(query: SqlQuery) {
    this.wrote ||= WRITE_STATEMENT.test(query.sql);
    return this.reporting(this.stock.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    this.wrote ||= WRITE_STATEMENT.test(query.sql);
    return this.reporting(this.stock.executeRaw(query));
  }

  async commit(): Promise<void> {
    try {
      await this.reporting(this.stock.executeRaw(COMMIT));
      if (this.wrote) this.health?.succeeded();
    } catch (err) {
      // Whether SQLite kept the transaction open or already rolled it back, it must not outlive this call.
      await this.stock.executeRaw(ROLLBACK).catch(() => undefined);
      throw err;
    } finally {
      this.release();
    }
  }

  async rollback(): Promise<void> {
    try {
      await this.stock.executeRaw(ROLLBACK);
    } catch (err) {
      if (!isNoTransactionActive(err)) throw err;
    } finally {
      this.release();
    }
  }

  private async reporting<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      this.health?.failed(sqliteCodeOf(err));
      throw err;
    }
  }
}

/** One holder at a time, first come first served; the release function may be called more than once. */
class Lock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  async acquire(): Promise<() => void> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

/** Runs `attempt` (at least once) until it is not refused with SQLITE_BUSY, or until `giveUpAt`. */
async function retryWhileBusy<T>(attempt: () => Promise<T>, giveUpAt: number): Promise<T> {
  for (let pauseMs = FIRST_RETRY_MS; ; pauseMs = Math.min(pauseMs * 2, MAX_RETRY_MS)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusy(err) || Date.now() + pauseMs > giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** better-sqlite3's code (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, ...), raw or as mapped by the stock adapter. */
function sqliteCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, cause } = err as { code?: unknown; cause?: { originalCode?: unknown } };
  if (typeof code === 'string') return code;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
}

function isBusy(err: unknown): boolean {
  return sqliteCodeOf(err)?.startsWith('SQLITE_BUSY') === true;
}

function isNoTransactionActive(err: unknown): boolean {
  return err instanceof Error && /no transaction is active/.test(err.message);
}
