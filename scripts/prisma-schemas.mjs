// Writes one Prisma schema per provider from prisma/models.prisma (the single model source).
// Usage: node scripts/prisma-schemas.mjs [--check]   (--check exits 1 when a written schema is stale)
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const models = readFileSync(join(root, 'prisma/models.prisma'), 'utf8');
const providers = ['sqlite', 'postgresql'];
let stale = false;

for (const provider of providers) {
  const header = `// GENERATED from prisma/models.prisma by scripts/prisma-schemas.mjs: edit that file, not this one.

generator client {
  provider   = "prisma-client"
  output     = "../../src/generated/${provider}"
  engineType = "client"
  moduleFormat = "esm"
  runtime    = "nodejs"
  importFileExtension = "js"
}

datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}

`;
  const file = join(root, 'prisma', provider, 'schema.prisma');
  const text = header + models;
  if (process.argv.includes('--check')) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      console.error(`stale: ${file}`);
      stale = true;
    }
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
process.exit(stale ? 1 : 0);
