/**
 * `npm start` as a supervisor runs it: it serves the built server at once (no compile before every start), and a
 * SIGTERM sent to the npm process itself stops the server and npm with it, leaving no process behind.
 * Needs the built tree (`npm install` builds it; CI runs `npm run build` before the tests).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { prepareTestEnv } from '../../support/runtime.js';
import { exitWithin, groupAlive, killAll, listeningUrl, logLines, repoRoot, spawnInGroup } from './processes.js';

const builtCli = join(repoRoot, 'dist', 'cli.js');
/**
 * The bar is 5 s here; measured 1.6–2.1 s. Twice that leaves room for a loaded CI machine; a compile before
 * the start (7 s warm, 53 s cold) is caught by the build's unchanged mtime below in any case.
 */
const START_LIMIT_MS = 10_000;

describe('npm start', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(() => killAll());
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('serves the built server within seconds, and SIGTERM to npm stops the server and npm, with no orphan', async () => {
    let builtAt: number;
    try {
      builtAt = statSync(builtCli).mtimeMs;
    } catch {
      throw new Error(`${builtCli} is missing: run "npm run build" (npm install does it) before this test`);
    }
    const { env: base, cleanup } = await prepareTestEnv({ database: 'sqlite' });
    cleanups.push(cleanup);
    const env = { ...base, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0' };

    const t0 = Date.now();
    const npm = spawnInGroup('npm', ['start'], env);
    const url = await listeningUrl(npm, 60_000);
    // This test is about the built artifact: a build older than src/ would test yesterday's code.
    expect(npm.stderr, 'dist/ is older than src/: run "npm run build" before this test').not.toContain('changed after dist/ was built');
    const health = await fetch(`${url}/healthz`);
    const startedMs = Date.now() - t0;
    expect(health.status).toBe(200);
    expect(startedMs).toBeLessThan(START_LIMIT_MS);
    // Started from the build as it was: nothing was compiled on the way.
    expect(statSync(builtCli).mtimeMs).toBe(builtAt);

    npm.process.kill('SIGTERM');
    const exit = await exitWithin(npm, 30_000);
    expect(exit, npm.stderr).toMatchObject({ code: 0, signal: null });
    expect(logLines(npm, 'shutting down')).toMatchObject([{ reason: 'SIGTERM' }]);
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(groupAlive(npm.process.pid!)).toBe(false);
  }, 90_000);
});
