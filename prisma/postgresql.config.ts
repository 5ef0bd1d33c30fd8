// Prisma CLI configuration for the postgresql schema. Offline: the JS schema engine with a driver adapter
// (the classic engine would download a binary). Used as: prisma <cmd> --config prisma/postgresql.config.ts
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './postgresql/schema.prisma',
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' });
  },
});
