import type { Logger } from '../observability/logger.js';
import type { Database } from './client.js';
import { StoreError } from './errors.js';
import { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migrations/files.js';
import { pendingMigrations } from './migrations/ledger.js';
import { openPostgresRunner } from './migrations/postgres-runner.js';
import type { MigrationRunner } from './migrations/runner.js';
import { openSqliteRunner } from './migrations/sqlite-runner.js';

export interface MigrateOptions {
  /** Defaults to prisma/migrations/<provider> under the package root. */
  migrationsDir?: string;
  logger?: Logger;
  /**
   * How long to wait for another process that is migrating the same database.
   * @defaultValue 60000
   */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order (empty when the database was current). */
  applied: string[];
}

/**
 * Brings the database to the newest committed migration: in order, one transaction per migration, under a lock so
 * processes starting together apply each migration once. Keeps Prisma's `_prisma_migrations` table, so
 * `prisma migrate status` reads the result. An applied migration whose file changed is refused.
 */
export async function migrate(database: Pick<Database, 'provider' | 'target'>, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const files = readMigrationFiles(opts.migrationsDir ?? defaultMigrationsDir(database.provider));
  const runnerOptions = { lockTimeoutMs: opts.lockTimeoutMs ?? 60_000 };
  const runner: MigrationRunner =
    database.target.provider === 'sqlite'
      ? openSqliteRunner(database.target.file, runnerOptions)
      : await openPostgresRunner(database.target, runnerOptions);
  const applied: string[] = [];
  try {
    // Verifies checksums even when nothing is pending.
    const pending = await runner.transaction(async (tx) => pendingMigrations(files, await tx.rows(), opts.logger));
    for (const file of pending) {
      if (await applyOnce(runner, files, file)) {
        applied.push(file.name);
        opts.logger?.info({ migration: file.name }, 'migration applied');
      }
    }
  } finally {
    await runner.close();
  }
  return { applied };
}

/** Applies `file` unless another process did so since we looked; true when this call applied it. */
async function applyOnce(runner: MigrationRunner, files: MigrationFile[], file: MigrationFile): Promise<boolean> {
  return runner.transaction(async (tx) => {
    if (!pendingMigrations(files, await tx.rows()).some((f) => f.name === file.name)) return false;
    try {
      await tx.apply(file);
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new StoreError('migration_failed', `migration ${file.name} failed and was rolled back: ${reason}`, { cause });
    }
    return true;
  });
}
