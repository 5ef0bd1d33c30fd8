// Writes the next migration for every provider, offline: `node scripts/migration-new.mjs <name>`.
// Each provider gets prisma/migrations/<provider>/<NNNN_name>/{migration.sql,snapshot.prisma}, diffed from the
// previous snapshot (or an empty database) to the current prisma/<provider>/schema.prisma.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROVIDERS, diffDatamodels, isEmptyMigration, listMigrations, migrationLockToml, migrationsDir, readText, root, schemaPath,
  toMigrationSql, toSnapshot,
} from './migration-lib.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node scripts/migration-new.mjs <name>   (lower case letters, digits and _)');
  process.exit(2);
}

execFileSync(process.execPath, [join(root, 'scripts/prisma-schemas.mjs')], { stdio: 'inherit' });

const existing = PROVIDERS.map((provider) => listMigrations(provider).map((m) => m.name));
if (existing[0].join() !== existing[1].join()) {
  console.error(`the providers' migration lists differ:\n  ${PROVIDERS[0]}: ${existing[0].join(', ')}\n  ${PROVIDERS[1]}: ${existing[1].join(', ')}`);
  process.exit(1);
}
const next = String(existing[0].length + 1).padStart(4, '0') + '_' + name;

const planned = PROVIDERS.map((provider) => {
  const last = listMigrations(provider).at(-1);
  const sql = toMigrationSql(provider, diffDatamodels(provider, last ? last.snapshotPath : null, schemaPath(provider)));
  return { provider, sql, snapshot: toSnapshot(readText(schemaPath(provider))) };
});

if (planned.every((p) => isEmptyMigration(p.sql))) {
  console.log('no changes: prisma/models.prisma matches the last migration of every provider');
  process.exit(0);
}

for (const { provider, sql, snapshot } of planned) {
  const dir = join(migrationsDir(provider), next);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), sql);
  writeFileSync(join(dir, 'snapshot.prisma'), snapshot);
  const lock = join(migrationsDir(provider), 'migration_lock.toml');
  if (!existsSync(lock)) writeFileSync(lock, migrationLockToml(provider));
  console.log(`${provider}: prisma/migrations/${provider}/${next}/migration.sql${isEmptyMigration(sql) ? ' (empty for this provider)' : ''}`);
}
