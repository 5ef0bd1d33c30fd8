import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as SqlitePrismaClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresPrismaClient } from '../generated/postgresql/client.js';
import { prepareSqliteFiles } from './sqlite-files.js';
import { createSqliteAdapterFactory } from './sqlite-adapter.js';
import { SqliteWriter } from './sqlite-writer.js';
import { parseDatabaseUrl, type DatabaseTarget, type Provider } from './database-url.js';
import { WriteHealth } from './write-health.js';

export type { Provider, DatabaseTarget };

/** The Prisma client every repository takes. Both generated clients share this shape; the PostgreSQL one is cast. */
export type Db = SqlitePrismaClient;

/** A readiness verdict; `reason` names what failed in words safe to show (codes, never messages or paths). */
export type WriteCheck = { ok: true } | { ok: false; reason: string };

export interface Database {
  db: Db;
  provider: Provider;
  /** Where the database lives; the migrator opens its own driver connection from it. */
  target: DatabaseTarget;
  /** True when the database answers a trivial query; never throws. */
  ping(): Promise<boolean>;
  /**
   * Readiness: whether the database takes a write now. Commits a heartbeat row (on SQLite on the writer thread, so a
   * locked database never blocks the event loop) and, on SQLite, reports real writes failing for want of storage
   * (see WriteHealth). Never throws; concurrent calls share one probe.
   */
  checkWrite(): Promise<WriteCheck>;
  /**
   * The worker's path: starts and commits an (empty) transaction on the Prisma client, as every worker write does.
   * Rejects when it cannot (a held transaction lock, another writer holding the database past the busy wait).
   */
  checkTransaction(): Promise<void>;
  close(): Promise<void>;
  /**
   * SQLite only: the writer thread with its own connection (made on first use, closed with the database). For the
   * writes that must not occupy the event loop: the inbox insert and the readiness heartbeat.
   */
  sqliteWriter?(): SqliteWriter;
}

/**
 * How long a write on the Prisma connection keeps retrying while another connection holds the write lock. The
 * retries wait asynchronously (sqlite-adapter.ts): SQLite itself sleeps on the event loop's thread for at most
 * EVENT_LOOP_BUSY_TIMEOUT_MS per attempt, and only one write at a time retries.
 */
export const SQLITE_BUSY_WAIT_MS = 10_000;

/**
 * The Prisma connection's own busy timeout: long enough to ride out the writer thread's short transactions without a
 * retry, short enough that the event loop never notices.
 */
export const EVENT_LOOP_BUSY_TIMEOUT_MS = 5;

export interface DatabaseOptions {
  /**
   * SQLite: how long a write on the Prisma connection waits for another connection's write lock. Keep it below the
   * deadline callers put on their calls, so that no write runs after its caller gave up. @defaultValue SQLITE_BUSY_WAIT_MS
   */
  busyWaitMs?: number;
}

/** How long the readiness heartbeat may wait for the write lock. */
const HEARTBEAT_TIMEOUT_MS = 1000;
const HEARTBEAT_NAME = 'readiness';

/**
 * Opens the database named by DATABASE_URL (unset: `file:./data/switchboard.db`, its folder created).
 * SQLite runs in WAL mode with foreign keys on; PostgreSQL honours a `?schema=` parameter (search_path).
 */
export async function createDatabase(url: string | undefined, opts: DatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.provider === 'sqlite' ? openSqlite(target, opts) : openPostgres(target);
}

async function openSqlite(target: Extract<DatabaseTarget, { provider: 'sqlite' }>, opts: DatabaseOptions): Promise<Database> {
  prepareSqliteFiles(target.file);
  const health = new WriteHealth();
  const adapter = createSqliteAdapterFactory({ file: target.file, busyWaitMs: opts.busyWaitMs ?? SQLITE_BUSY_WAIT_MS, health });
  const db = new SqlitePrismaClient({ adapter });
  try {
    // One connection per client: these per-connection settings hold for every query it runs.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe(`PRAGMA busy_timeout = ${EVENT_LOOP_BUSY_TIMEOUT_MS}`);
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  } catch (err) {
    await db.$disconnect().catch(() => undefined);
    throw err;
  }
  let writer: SqliteWriter | undefined;
  const sqliteWriter = () => (writer ??= new SqliteWriter(target.file, { health }));
  let closed = false;
  return {
    db,
    provider: 'sqlite',
    target,
    sqliteWriter,
    ping: () => ping(db),
    checkWrite: sharedProbe(() => closed, async (): Promise<WriteCheck> => {
      const failing = health.failing();
      if (failing) return { ok: false, reason: `writes are failing (${failing})` };
      try {
        await sqliteWriter().beat(HEARTBEAT_NAME, { timeoutMs: HEARTBEAT_TIMEOUT_MS });
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: `heartbeat write failed (${codeOf(err)})` };
      }
    }),
    checkTransaction: () => checkTransaction(db),
    async close() {
      closed = true;
      await writer?.close();
      await db.$disconnect();
    },
  };
}

async function openPostgres(target: Extract<DatabaseTarget, { provider: 'postgresql' }>): Promise<Database> {
  const pool = new pg.Pool(postgresClientConfig(target));
  const adapter = new PrismaPg(pool, target.schema ? { schema: target.schema } : undefined);
  const db = new PostgresPrismaClient({ adapter }) as unknown as Db;
  let closed = false;
  return {
    db,
    provider: 'postgresql',
    target,
    ping: () => ping(db),
    checkWrite: sharedProbe(() => closed, async (): Promise<WriteCheck> => {
      try {
        const beatAt = new Date();
        await db.heartbeat.upsert({ where: { name: HEARTBEAT_NAME }, create: { name: HEARTBEAT_NAME, beatAt }, update: { beatAt } });
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: `heartbeat write failed (${codeOf(err)})` };
      }
    }),
    checkTransaction: () => checkTransaction(db),
    async close() {
      closed = true;
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * An interactive transaction: Prisma runs a one-query batch without one. On SQLite it starts with BEGIN IMMEDIATE,
 * so it also needs the write lock. Callers bound the wait (Prisma's own limits are set out of the way).
 */
async function checkTransaction(db: Db): Promise<void> {
  await db.$transaction((tx) => tx.$queryRaw`SELECT 1`, { maxWait: 600_000, timeout: 600_000 });
}

/** Concurrent calls share one run of `check` (a burst of /readyz is one write); a closed database answers at once. */
function sharedProbe(isClosed: () => boolean, check: () => Promise<WriteCheck>): () => Promise<WriteCheck> {
  let running: Promise<WriteCheck> | undefined;
  return () => {
    if (isClosed()) return Promise.resolve({ ok: false, reason: 'closed' });
    running ??= check().finally(() => (running = undefined));
    return running;
  };
}

/** A driver or Prisma error code (SQLITE_FULL, P1001, 53100, ...), or a generic word: never the message. */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'error';
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Driver settings for a PostgreSQL target: raw SQL sees the same tables as Prisma through search_path. */
export function postgresClientConfig(target: Extract<DatabaseTarget, { provider: 'postgresql' }>): pg.ClientConfig {
  return {
    connectionString: target.connectionString,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  };
}
