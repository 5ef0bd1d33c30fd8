// Prisma CLI configuration for the postgresql schema. Offline: the JS schema engine with a driver adapter
// (the classic engine would download a binary). Used as: prisma <cmd> --config prisma/postgresql.config.ts
// A `?schema=` parameter in DATABASE_URL selects the schema, as src/store/client.ts does for the app.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

function target(): { connectionString: string; schema?: string } {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test');
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './postgresql/schema.prisma',
  // Read by `prisma migrate status`; src/store/migrate.ts applies them (see there).
  migrations: { path: './migrations/postgresql' },
  async adapter() {
    const { connectionString, schema } = target();
    return schema
      ? new PrismaPg({ connectionString, options: `-c search_path=${schema}` }, { schema })
      : new PrismaPg({ connectionString });
  },
});
