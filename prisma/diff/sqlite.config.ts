// Prisma CLI configuration used only by `migrate diff` between two datamodels (scripts/migration-lib.mjs).
// The schema engine still opens its adapter, so it gets an in-memory database: nothing is written to disk.
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../sqlite/schema.prisma',
  async adapter() {
    return new PrismaBetterSQLite3({ url: ':memory:' });
  },
});
