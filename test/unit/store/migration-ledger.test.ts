import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/store/errors.js';
import { checksumOf, type MigrationFile } from '../../../src/store/migrations/files.js';
import { pendingMigrations, type LedgerRow } from '../../../src/store/migrations/ledger.js';

const file = (name: string, sql = `-- ${name}`): MigrationFile => ({ name, sql, checksum: checksumOf(sql) });
const applied = (f: MigrationFile, extra: Partial<LedgerRow> = {}): LedgerRow => ({
  migrationName: f.name,
  checksum: f.checksum,
  finishedAt: '2024-01-01T00:00:00.000+00:00',
  rolledBackAt: null,
  ...extra,
});

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StoreError ? err.code : String(err);
  }
  return undefined;
}

describe('pendingMigrations', () => {
  const [a, b, c] = [file('0001_a'), file('0002_b'), file('0003_c')] as const;

  it('answers the files not yet applied, in file order', () => {
    expect(pendingMigrations([a, b, c], [])).toEqual([a, b, c]);
    expect(pendingMigrations([a, b, c], [applied(a)])).toEqual([b, c]);
    expect(pendingMigrations([a, b, c], [applied(a), applied(c)])).toEqual([b]);
    expect(pendingMigrations([a, b, c], [applied(a), applied(b), applied(c)])).toEqual([]);
  });

  it('refuses an applied migration whose file changed', () => {
    expect(errorCode(() => pendingMigrations([file('0001_a', 'edited'), b], [applied(a)]))).toBe('migration_checksum_mismatch');
  });

  it('refuses to go on after a migration that started but never finished', () => {
    expect(errorCode(() => pendingMigrations([a, b], [applied(a, { finishedAt: null })]))).toBe('migration_failed_earlier');
  });

  it('ignores rows that were rolled back (the migration is applied again)', () => {
    expect(pendingMigrations([a, b], [applied(a, { finishedAt: null, rolledBackAt: '2024-01-02' }), applied(b)])).toEqual([a]);
  });

  it('tolerates applied migrations this build does not know (a newer release ran)', () => {
    expect(pendingMigrations([a], [applied(a), applied(file('0002_newer'))])).toEqual([]);
  });

  it('checksums like Prisma: sha256 hex of the file bytes', () => {
    expect(checksumOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
