import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A value SQLite binds as a positional parameter. */
export type SqlValue = string | number | bigint | null;

/**
 * Runs one prepared SQLite statement on a worker thread with its own connection, so the write that makes an
 * accepted message durable does not occupy the event loop that acks the platforms. Used for the inbox insert only;
 * it is never part of a transaction of the caller's. When the thread is gone or the database is busy, callers take
 * the Prisma path.
 *
 * A batch is bound row by row inside one transaction: with the statement prepared once, binding is cheaper than
 * having SQLite take a JSON document apart, and the thread's CPU is taken from the same two cores that serve HTTP.
 */
export class SqliteStatementThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (changes: number[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private dead: Error | undefined;

  constructor(file: string, sql: string, busyTimeoutMs: number) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driverPath, file, sql, busyTimeoutMs } });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; changes?: number[]; error?: { code?: string; message: string } }) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else waiter.resolve(msg.changes ?? []);
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const waiter of this.pending.values()) waiter.reject(Object.assign(new Error(`sqlite writer thread stopped: ${err.message}`), { code: 'WRITER_GONE' }));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  }

  /**
   * Runs the statement once per row of parameters, all rows in one transaction (all or nothing), and resolves with
   * the number of rows each run changed. Rejects with the driver's `code` (e.g. SQLITE_BUSY) or WRITER_GONE.
   */
  runEach(rows: SqlValue[][]): Promise<number[]> {
    if (this.dead) return Promise.reject(Object.assign(new Error('sqlite writer thread is not running'), { code: 'WRITER_GONE' }));
    const id = this.nextId++;
    return new Promise<number[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While requests are in flight the thread keeps the process alive; idle, it does not.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, rows });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('closed');
    await this.worker.terminate();
  }
}

/** CommonJS, evaluated in the worker: open, prepare once, run each request in order, each in its own transaction. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const statement = db.prepare(workerData.sql);
const runAll = db.transaction((rows) => rows.map((params) => statement.run(params).changes));
parentPort.on('message', ({ id, rows }) => {
  try {
    const changes = runAll.immediate(rows);
    parentPort.postMessage({ id, changes });
  } catch (err) {
    parentPort.postMessage({ id, error: { code: err && err.code, message: String(err && err.message) } });
  }
});
`;
