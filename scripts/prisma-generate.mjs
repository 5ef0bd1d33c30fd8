// Writes the per-provider schemas and generates both Prisma clients, offline.
// The CLI validates `env("DATABASE_URL")` against the provider, so each run gets a placeholder URL of its scheme
// (generate never connects).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const placeholder = { sqlite: 'file:./placeholder.db', postgresql: 'postgresql://placeholder@127.0.0.1:5432/placeholder' };

execFileSync(process.execPath, [join(root, 'scripts/prisma-schemas.mjs')], { stdio: 'inherit' });
for (const provider of Object.keys(placeholder)) {
  execFileSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate', '--config', `prisma/${provider}.config.ts`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: placeholder[provider], PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
}
console.log('prisma clients generated: sqlite, postgresql');
