import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresClientConfig, type DatabaseTarget } from '../client.js';
import { StoreError } from '../errors.js';
import { LEDGER_DDL, SELECT_LEDGER, type LedgerRow } from './ledger.js';
import type { LedgerTransaction, MigrationRunner, RunnerOptions } from './runner.js';

/** The advisory lock key Prisma Migrate uses, so our migrator and `prisma migrate` exclude each other too. */
export const MIGRATION_LOCK_KEY = 72707369;
const LOCK_POLL_MS = 50;

/**
 * PostgreSQL: one session holds `pg_advisory_lock` for the whole run (taken with pg_try_advisory_lock in a loop, so
 * waiting has a deadline); each migration is its own transaction. The migration SQL goes through the simple query
 * protocol, so a file may hold many statements.
 */
export async function openPostgresRunner(
  target: Extract<DatabaseTarget, { provider: 'postgresql' }>,
  opts: RunnerOptions,
): Promise<MigrationRunner> {
  const client = new pg.Client(postgresClientConfig(target));
  await client.connect();
  try {
    await acquireLock(client, opts.lockTimeoutMs);
    if (target.schema) await ensureSchema(client, target.schema);
    await client.query(LEDGER_DDL.postgresql);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }

  const tx: LedgerTransaction = {
    async rows() {
      return (await client.query<LedgerRow>(SELECT_LEDGER)).rows;
    },
    async apply(migration) {
      const id = randomUUID();
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, 0)',
        [id, migration.checksum, migration.name, new Date()],
      );
      await client.query(migration.sql);
      await client.query('UPDATE "_prisma_migrations" SET finished_at = $1, applied_steps_count = 1 WHERE id = $2', [new Date(), id]);
    },
  };

  return {
    async transaction(step) {
      await client.query('BEGIN');
      try {
        const result = await step(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async close() {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      } finally {
        await client.end();
      }
    },
  };
}

async function acquireLock(client: pg.Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new StoreError('migration_lock_timeout', `another process held the migration lock (${MIGRATION_LOCK_KEY}) for ${timeoutMs} ms`);
    }
    await sleep(LOCK_POLL_MS);
  }
}

/** Creates the `?schema=` schema when missing (checked first: CREATE SCHEMA needs CREATE on the database). */
async function ensureSchema(client: pg.Client, schema: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
}
