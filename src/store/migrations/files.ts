import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provider } from '../database-url.js';
import { StoreError } from '../errors.js';

export interface MigrationFile {
  /** Folder name, e.g. 0001_init: the order and the name recorded in _prisma_migrations. */
  name: string;
  sql: string;
  /** sha256 (hex) of migration.sql's bytes, as Prisma computes it. */
  checksum: string;
}

const MIGRATION_FOLDER = /^\d{4}_[a-z0-9_]+$/;

/**
 * The package root: the nearest folder above this file holding package.json. Works from src/ (tsx, vitest) and from
 * dist/ (after tsc), wherever the package is installed.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prisma'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new StoreError('migrations_missing', `no package root (package.json + prisma/) above ${from}`);
    dir = parent;
  }
}

export function defaultMigrationsDir(provider: Provider): string {
  return join(packageRoot(), 'prisma', 'migrations', provider);
}

export function checksumOf(sql: Buffer | string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Every migration in `dir`, oldest first. A folder without migration.sql is an error, not a silent skip. */
export function readMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new StoreError('migrations_missing', `migrations folder not found: ${dir}`);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && MIGRATION_FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return names.map((name) => {
    const path = join(dir, name, 'migration.sql');
    if (!existsSync(path)) throw new StoreError('migrations_missing', `migration ${name} has no migration.sql (${path})`);
    const bytes = readFileSync(path);
    return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
  });
}
