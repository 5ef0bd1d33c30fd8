import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WriteHealth } from './write-health.js';

/** A value SQLite binds as a positional parameter. */
export type SqlValue = string | number | bigint | null;

/** How much longer than a request's deadline the caller waits for the thread's answer (a write stuck in I/O). */
const ANSWER_GRACE_MS = 1000;

/**
 * A worker thread with its own SQLite connection for the writes that must not occupy the event loop: the inbox
 * insert that makes an accepted message durable, and the readiness heartbeat. SQLite waits for another writer by
 * sleeping on the calling thread; here that thread is this one, so the event loop that acks the platforms keeps
 * turning, and every request carries a deadline: the thread waits for the write lock only until then (its busy
 * timeout is set per request) and skips a request whose deadline passed while it waited in line.
 *
 * A batch is bound row by row inside one transaction: with the statement prepared once, binding is cheaper than
 * having SQLite take a JSON document apart, and the thread's CPU is taken from the same two cores that serve HTTP.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (changes: number[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private dead: Error | undefined;

  constructor(
    file: string,
    private readonly opts: { health?: WriteHealth } = {},
  ) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driverPath, file } });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; changes?: number[]; error?: { code?: string; message: string } }) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(writerError(msg.error.code ?? 'SQLITE_ERROR', msg.error.message));
      else waiter.resolve(msg.changes ?? []);
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const waiter of this.pending.values()) waiter.reject(writerError('WRITER_GONE', `sqlite writer thread stopped: ${err.message}`));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  }

  /**
   * Runs `sql` once per row of parameters, all rows in one transaction (all or nothing), and resolves with the
   * number of rows each run changed. Rejects with a `code`: the driver's (SQLITE_BUSY when the write lock did not
   * come free within `timeoutMs`), DEADLINE (not started in time), WRITER_GONE, or WRITER_TIMEOUT (no answer).
   */
  async runEach(sql: string, rows: SqlValue[][], opts: { timeoutMs: number }): Promise<number[]> {
    try {
      const changes = await this.request({ op: 'run', sql, rows }, opts.timeoutMs);
      this.opts.health?.succeeded();
      return changes;
    } catch (err) {
      this.opts.health?.failed((err as { code?: string }).code);
      throw err;
    }
  }

  /** Commits a heartbeat row (`heartbeats`): proves the database takes a write now. Rejects like `runEach`. */
  async beat(name: string, opts: { timeoutMs: number }): Promise<void> {
    await this.request({ op: 'beat', name }, opts.timeoutMs);
  }

  async close(): Promise<void> {
    this.dead ??= new Error('closed');
    await this.worker.terminate();
  }

  private request(body: Record<string, unknown>, timeoutMs: number): Promise<number[]> {
    if (this.dead) return Promise.reject(writerError('WRITER_GONE', 'sqlite writer thread is not running'));
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    return new Promise<number[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While requests are in flight the thread keeps the process alive; idle, it does not.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, deadline: Date.now() + timeoutMs, ...body });
      timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        reject(writerError('WRITER_TIMEOUT', `sqlite writer thread did not answer within ${timeoutMs + ANSWER_GRACE_MS} ms`));
      }, timeoutMs + ANSWER_GRACE_MS);
    }).finally(() => {
      clearTimeout(timer);
      if (this.pending.size === 0) this.worker.unref();
    });
  }
}

/** `code`: the driver's (SQLITE_BUSY, SQLITE_FULL, ...) or the thread's own (DEADLINE, WRITER_GONE, WRITER_TIMEOUT). */
function writerError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/**
 * CommonJS, evaluated in the worker: open once, prepare each statement once, run requests in order, each in its own
 * IMMEDIATE transaction. SQLite keeps DateTime as ISO text with "+00:00" (the Prisma adapter's format).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const statements = new Map();
const prepared = (sql) => {
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
};
const runAll = db.transaction((statement, rows) => rows.map((params) => statement.run(params).changes));
const beat = db.transaction((name) => [prepared(
  "INSERT INTO heartbeats (name, beat_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET beat_at = excluded.beat_at"
).run(name, new Date().toISOString().replace('Z', '+00:00')).changes]);
let busyTimeout = 0;
parentPort.on('message', (req) => {
  const left = req.deadline - Date.now();
  if (left <= 0) {
    parentPort.postMessage({ id: req.id, error: { code: 'DEADLINE', message: 'the write waited in line past its deadline' } });
    return;
  }
  try {
    const wait = Math.ceil(left);
    if (wait !== busyTimeout) db.pragma('busy_timeout = ' + (busyTimeout = wait));
    const changes = req.op === 'beat' ? beat.immediate(req.name) : runAll.immediate(prepared(req.sql), req.rows);
    parentPort.postMessage({ id: req.id, changes });
  } catch (err) {
    parentPort.postMessage({ id: req.id, error: { code: err && err.code, message: String(err && err.message) } });
  }
});
`;
