// Prisma CLI configuration used only by `migrate diff` between two datamodels (scripts/migration-lib.mjs).
// The schema engine opens its adapter even for a datamodel-to-datamodel diff and asks exactly one question (does
// the default schema exist, which server version). This adapter answers it without a server, so new migrations can
// be written offline; any other query fails loudly instead of silently reading a real database.
import { defineConfig } from 'prisma/config';
import type { SqlMigrationAwareDriverAdapterFactory, SqlDriverAdapter, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';

const SERVER_VERSION = 'PostgreSQL 15.0 (offline diff)';
const SERVER_VERSION_NUM = 150000;
// ColumnTypeEnum values from @prisma/driver-adapter-utils: Boolean 5, Text 7, Int32 0.
const PROBE_COLUMN_TYPES = [5, 7, 0] as SqlResultSet['columnTypes'];

function unsupported(what: string): never {
  throw new Error(`offline postgresql diff adapter: unsupported ${what}; run this command against a real database`);
}

function offlineAdapter(): SqlDriverAdapter {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      if (/FROM pg_namespace WHERE nspname = \$1\), version\(\)/.test(query.sql)) {
        return { columnNames: ['exists', 'version', 'numeric_version'], columnTypes: PROBE_COLUMN_TYPES, rows: [[true, SERVER_VERSION, SERVER_VERSION_NUM]] };
      }
      return unsupported(`query: ${query.sql.slice(0, 120)}`);
    },
    async executeRaw(query: SqlQuery): Promise<number> {
      return unsupported(`statement: ${query.sql.slice(0, 120)}`);
    },
    async executeScript(): Promise<void> {
      return unsupported('script');
    },
    async startTransaction() {
      return unsupported('transaction');
    },
    getConnectionInfo() {
      return { schemaName: 'public', supportsRelationJoins: true };
    },
    async dispose() {},
  };
}

const offlineFactory: SqlMigrationAwareDriverAdapterFactory = {
  provider: 'postgres',
  adapterName: '@prisma/adapter-pg',
  async connect() {
    return offlineAdapter();
  },
  async connectToShadowDb() {
    return unsupported('shadow database');
  },
};

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../postgresql/schema.prisma',
  async adapter() {
    return offlineFactory;
  },
});
