import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as SqlitePrismaClient } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresPrismaClient } from '../generated/postgresql/client.js';
import { createSqliteAdapterFactory } from './sqlite-adapter.js';
import { SqliteStatementThread } from './sqlite-writer.js';
import { parseDatabaseUrl, type DatabaseTarget, type Provider } from './database-url.js';

export type { Provider, DatabaseTarget };

/** The Prisma client every repository takes. Both generated clients share this shape; the PostgreSQL one is cast. */
export type Db = SqlitePrismaClient;

export interface Database {
  db: Db;
  provider: Provider;
  /** Where the database lives; the migrator opens its own driver connection from it. */
  target: DatabaseTarget;
  /** True when the database answers a trivial query (readiness checks); never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * SQLite only: a worker thread with its own connection running one prepared statement (one thread per statement,
   * made on first use, closed with the database). For the ingress hot path: the inbox insert then costs the event
   * loop neither Prisma's query path nor the synchronous write. Never used inside a transaction.
   */
  statementThread?(sql: string): SqliteStatementThread;
}

/** The hot-path connection waits this long for another writer, then the caller falls back to Prisma's path. */
export const HOT_PATH_BUSY_TIMEOUT_MS = 1000;

/**
 * How long a statement on the Prisma connection keeps retrying while another connection holds the write lock. The
 * retries wait asynchronously: that connection's own busy timeout is 0, so SQLite never sleeps on the event loop.
 */
export const SQLITE_BUSY_WAIT_MS = 10_000;

/**
 * Opens the database named by DATABASE_URL (unset: `file:./data/switchboard.db`, its folder created).
 * SQLite runs in WAL mode with foreign keys on; PostgreSQL honours a `?schema=` parameter (search_path).
 */
export async function createDatabase(url: string | undefined): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.provider === 'sqlite' ? openSqlite(target) : openPostgres(target);
}

async function openSqlite(target: Extract<DatabaseTarget, { provider: 'sqlite' }>): Promise<Database> {
  mkdirSync(dirname(target.file), { recursive: true });
  const adapter = createSqliteAdapterFactory({ file: target.file, busyWaitMs: SQLITE_BUSY_WAIT_MS });
  const db = new SqlitePrismaClient({ adapter });
  try {
    // One connection per client: these per-connection settings hold for every query it runs.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe('PRAGMA busy_timeout = 0');
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  } catch (err) {
    await db.$disconnect().catch(() => undefined);
    throw err;
  }
  const threads = new Map<string, SqliteStatementThread>();
  return {
    db,
    provider: 'sqlite',
    target,
    statementThread(sql) {
      let thread = threads.get(sql);
      if (!thread) {
        thread = new SqliteStatementThread(target.file, sql, HOT_PATH_BUSY_TIMEOUT_MS);
        threads.set(sql, thread);
      }
      return thread;
    },
    ping: () => ping(db),
    async close() {
      await Promise.all([...threads.values()].map((t) => t.close()));
      threads.clear();
      await db.$disconnect();
    },
  };
}

async function openPostgres(target: Extract<DatabaseTarget, { provider: 'postgresql' }>): Promise<Database> {
  const pool = new pg.Pool(postgresClientConfig(target));
  const adapter = new PrismaPg(pool, target.schema ? { schema: target.schema } : undefined);
  const db = new PostgresPrismaClient({ adapter }) as unknown as Db;
  return {
    db,
    provider: 'postgresql',
    target,
    ping: () => ping(db),
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
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
