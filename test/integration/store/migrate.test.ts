import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/store/client.js';
import { StoreError } from '../../../src/store/errors.js';
import { migrate } from '../../../src/store/migrate.js';
import { checksumOf, defaultMigrationsDir, packageRoot } from '../../../src/store/migrations/files.js';
import { describeWithPostgres } from '../../support/services.js';
import { postgresTestDatabase, sqliteTestDatabase, type TestDatabase } from './databases.js';

const run = promisify(execFile);
const root = packageRoot();
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the provider's committed migrations that a test may edit. */
function copyOfMigrations(provider: Database['provider']): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
  tempDirs.push(dir);
  cpSync(defaultMigrationsDir(provider), dir, { recursive: true });
  return dir;
}

async function ledger(database: Database): Promise<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: unknown }[]> {
  return database.db.$queryRawUnsafe('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const sql =
    database.provider === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${table}'`
      : `SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '${table}'`;
  return ((await database.db.$queryRawUnsafe(sql)) as unknown[]).length === 1;
}

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

/** The committed migrations of a provider, in the order they apply. */
function committed(provider: Database['provider']): string[] {
  return readdirSync(defaultMigrationsDir(provider), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function migratorContract(makeTestDatabase: () => TestDatabase) {
  let testDb: TestDatabase;
  let database: Database;

  beforeEach(async () => {
    testDb = makeTestDatabase();
    database = await testDb.open();
  });

  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  it('migrates an empty database, records it as Prisma does, then applies nothing', async () => {
    const all = committed(database.provider);
    expect(all[0]).toBe('0001_init');
    expect(await migrate(database)).toEqual({ applied: all });
    for (const table of ['tenants', 'bots', 'messages', 'runs', 'deliveries', 'approvals']) expect(await tableExists(database, table), table).toBe(true);
    const rows = await ledger(database);
    expect(rows.map((row) => row.migration_name)).toEqual(all);
    for (const [i, name] of all.entries()) {
      const sql = readFileSync(join(defaultMigrationsDir(database.provider), name, 'migration.sql'));
      expect(rows[i]).toMatchObject({ migration_name: name, checksum: checksumOf(sql) });
      expect(rows[i]?.finished_at).not.toBeNull();
      expect(Number(rows[i]?.applied_steps_count)).toBe(1);
    }

    expect(await migrate(database)).toEqual({ applied: [] });
    expect(await ledger(database)).toHaveLength(all.length);
    expect(await database.db.tenant.count()).toBe(0);
  });

  it('refuses an applied migration whose file was edited', async () => {
    const dir = copyOfMigrations(database.provider);
    await migrate(database, { migrationsDir: dir });
    const path = join(dir, '0001_init', 'migration.sql');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n-- an innocent-looking edit\n`);
    const err = await rejection(migrate(database, { migrationsDir: dir }));
    expect(err.code).toBe('migration_checksum_mismatch');
    expect(err.message).toContain('0001_init');
  });

  it('rolls a failing migration back whole, records nothing, and applies it once fixed', async () => {
    const dir = copyOfMigrations(database.provider);
    mkdirSync(join(dir, '9999_broken'));
    const path = join(dir, '9999_broken', 'migration.sql');
    writeFileSync(path, 'CREATE TABLE "half_done" ("id" TEXT NOT NULL);\nINSERT INTO "no_such_table" VALUES (1);\n');
    const err = await rejection(migrate(database, { migrationsDir: dir }));
    expect(err.code).toBe('migration_failed');
    expect(err.message).toContain('9999_broken');
    expect(await tableExists(database, 'half_done')).toBe(false);
    expect((await ledger(database)).map((row) => row.migration_name)).toEqual(committed(database.provider));

    writeFileSync(path, 'CREATE TABLE "half_done" ("id" TEXT NOT NULL);\n');
    expect(await migrate(database, { migrationsDir: dir })).toEqual({ applied: ['9999_broken'] });
    expect(await tableExists(database, 'half_done')).toBe(true);
  });

  it('two processes migrating one fresh database at the same moment both succeed; each migration runs once', async () => {
    const startAt = String(Date.now() + 2_500);
    const child = () =>
      run(process.execPath, ['--import', 'tsx', join(root, 'test/integration/store/migrate-child.ts'), testDb.url, startAt], {
        cwd: root,
        timeout: 60_000,
      });
    const outputs = await Promise.all([child(), child()]);
    const results = outputs.map((output) => JSON.parse(output.stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; applied: string[] });
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(committed(database.provider));
    expect((await ledger(database)).map((row) => row.migration_name)).toEqual(committed(database.provider));
    expect(await tableExists(database, 'messages')).toBe(true);
  }, 90_000);
}

describe('migrate on SQLite', () => migratorContract(sqliteTestDatabase));
describeWithPostgres('migrate on PostgreSQL', () => migratorContract(postgresTestDatabase));
