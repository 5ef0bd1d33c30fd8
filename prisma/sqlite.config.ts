// Prisma CLI configuration for the sqlite schema. Offline: the JS schema engine with a driver adapter
// (the classic engine would download a binary). Used as: prisma <cmd> --config prisma/sqlite.config.ts
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './sqlite/schema.prisma',
  // Read by `prisma migrate status`; src/store/migrate.ts applies them (see there).
  migrations: { path: './migrations/sqlite' },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? 'file:./data/switchboard.db' });
  },
});
