/**
 * Fails when the committed migrations do not produce the current schema: the generated per-provider schemas must
 * match prisma/models.prisma, every migration must be exactly the diff between its neighbouring snapshots, and the
 * last snapshot must equal the current schema (run `node scripts/migration-new.mjs <name>` to fix that).
 * For SQLite it also applies the migrations and compares the resulting tables with a fresh build of the schema.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  PROVIDERS,
  diffDatamodels,
  isEmptyMigration,
  listMigrations,
  readText,
  root,
  schemaPath,
  toMigrationSql,
} from '../../../scripts/migration-lib.mjs';

const CLI_TIMEOUT_MS = 120_000;

describe('committed migrations', () => {
  it('prisma/<provider>/schema.prisma is what prisma/models.prisma generates', () => {
    expect(() => execFileSync(process.execPath, [join(root, 'scripts/prisma-schemas.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('every provider has the same migration names, numbered without gaps', () => {
    const names = PROVIDERS.map((provider) => listMigrations(provider).map((m) => m.name));
    expect(names[0]?.length).toBeGreaterThan(0);
    expect(names[1]).toEqual(names[0]);
    names[0]?.forEach((name, index) => expect(name.slice(0, 4)).toBe(String(index + 1).padStart(4, '0')));
  });

  for (const provider of PROVIDERS) {
    describe(provider, () => {
      it(
        'each migration.sql is the diff from the previous snapshot to its own snapshot',
        () => {
          let previous: string | null = null;
          for (const migration of listMigrations(provider)) {
            const expected = toMigrationSql(provider, diffDatamodels(provider, previous, migration.snapshotPath));
            expect(readText(migration.sqlPath), `${provider}/${migration.name}/migration.sql`).toBe(expected);
            previous = migration.snapshotPath;
          }
        },
        CLI_TIMEOUT_MS,
      );

      it(
        'the last snapshot is the current schema (nothing left to migrate)',
        () => {
          const last = listMigrations(provider).at(-1);
          const pending = toMigrationSql(provider, diffDatamodels(provider, last ? last.snapshotPath : null, schemaPath(provider)));
          expect(isEmptyMigration(pending), `pending changes, run: node scripts/migration-new.mjs <name>\n${pending}`).toBe(true);
        },
        CLI_TIMEOUT_MS,
      );
    });
  }

  it(
    'sqlite: the migrations applied in order build the same tables as the current schema from scratch',
    () => {
      const migrated = new Sqlite(':memory:');
      for (const migration of listMigrations('sqlite')) migrated.exec(readText(migration.sqlPath));
      const fresh = new Sqlite(':memory:');
      fresh.exec(diffDatamodels('sqlite', null, schemaPath('sqlite')));
      expect(describeSqlite(migrated)).toEqual(describeSqlite(fresh));
      expect(Object.keys(describeSqlite(migrated))).toContain('messages');
    },
    CLI_TIMEOUT_MS,
  );
});

/** Tables with their columns, indexes and foreign keys, independent of column order and SQL formatting. */
function describeSqlite(db: Sqlite.Database): Record<string, unknown> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => {
      const columns = (db.pragma(`table_info("${name}")`) as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
      const indexes = (db.pragma(`index_list("${name}")`) as { name: string; unique: number }[])
        .map((index) => ({ ...index, seq: undefined, columns: (db.pragma(`index_info("${index.name}")`) as { name: string }[]).map((c) => c.name) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const foreignKeys = (db.pragma(`foreign_key_list("${name}")`) as { table: string; from: string }[])
        .map((fk) => ({ ...fk, id: undefined, seq: undefined }))
        .sort((a, b) => `${a.table}.${a.from}`.localeCompare(`${b.table}.${b.from}`));
      return [name, { columns, indexes, foreignKeys }];
    }),
  );
}
