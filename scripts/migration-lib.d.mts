// Types of scripts/migration-lib.mjs, for the tests that use it.
export type MigrationProvider = 'sqlite' | 'postgresql';

export interface CommittedMigration {
  name: string;
  dir: string;
  sqlPath: string;
  snapshotPath: string;
}

export const root: string;
export const PROVIDERS: readonly MigrationProvider[];
export const MIGRATION_NAME: RegExp;
export const EMPTY_MIGRATION: string;
export function migrationsDir(provider: MigrationProvider): string;
export function schemaPath(provider: MigrationProvider): string;
export function listMigrations(provider: MigrationProvider): CommittedMigration[];
export function diffDatamodels(provider: MigrationProvider, fromPath: string | null, toPath: string): string;
export function toMigrationSql(provider: MigrationProvider, diffSql: string): string;
export function isEmptyMigration(sql: string): boolean;
export function toSnapshot(schemaText: string): string;
export function readText(path: string): string;
export function migrationLockToml(provider: MigrationProvider): string;
