// `npm install` builds dist/ once (after postinstall generated the Prisma clients), so `npm start` and
// `npx switchboard` run the built server at once instead of compiling before every start.
// An install without dev dependencies (--omit=dev) has no TypeScript: it skips the build and says so; such an
// install is expected to ship a dist/ built elsewhere.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  console.log('prepare: TypeScript is not installed (dev dependencies omitted): dist/ not built');
  process.exit(0);
}
const { status, signal } = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (status !== 0) {
  console.error(`prepare: the TypeScript build failed (${signal ?? `exit ${status}`})`);
  process.exit(status ?? 1);
}
console.log('prepare: built dist/');

// The console (admin-ui workspace) is served by `npm start` at /admin: build it too, with the same npm.
const npm = process.env.npm_execpath;
const consoleBuild = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build', '--workspace', 'admin-ui'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build', '--workspace', 'admin-ui'], { cwd: root, stdio: 'inherit' });
if (consoleBuild.status !== 0) {
  console.error(`prepare: the console build failed (${consoleBuild.signal ?? `exit ${consoleBuild.status}`})`);
  process.exit(consoleBuild.status ?? 1);
}
console.log('prepare: built admin-ui/dist/');
