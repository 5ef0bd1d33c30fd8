import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs one prepared SQLite statement on a worker thread with its own connection, so the write that makes an
 * accepted message durable does not occupy the event loop that acks the platforms. Used for the inbox insert only;
 * it is never part of a transaction. When the thread is gone or the database is busy, callers take the Prisma path.
 */
export class SqliteStatementThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private dead: Error | undefined;

  constructor(file: string, sql: string, busyTimeoutMs: number) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driverPath, file, sql, busyTimeoutMs } });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; rows?: unknown[]; error?: { code?: string; message: string } }) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else waiter.resolve(msg.rows ?? []);
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const waiter of this.pending.values()) waiter.reject(Object.assign(new Error(`sqlite writer thread stopped: ${err.message}`), { code: 'WRITER_GONE' }));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  }

  /** Runs the statement with one text parameter; rejects with the driver's `code` (e.g. SQLITE_BUSY). */
  all<T>(param: string): Promise<T[]> {
    if (this.dead) return Promise.reject(Object.assign(new Error('sqlite writer thread is not running'), { code: 'WRITER_GONE' }));
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      // While requests are in flight the thread keeps the process alive; idle, it does not.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, param });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('closed');
    await this.worker.terminate();
  }
}

/** CommonJS, evaluated in the worker: open, prepare once, run each request in order. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const statement = db.prepare(workerData.sql);
parentPort.on('message', ({ id, param }) => {
  try {
    parentPort.postMessage({ id, rows: statement.all(param) });
  } catch (err) {
    parentPort.postMessage({ id, error: { code: err && err.code, message: String(err && err.message) } });
  }
});
`;
