/**
 * One embedded instance per data directory: a second `switchboard start` on the same files refuses with one line
 * naming the first one's pid (instead of taking over its in-flight messages), and a SIGKILLed holder does not block
 * the next start.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { prepareTestEnv } from '../../support/runtime.js';
import { exitWithin, killAll, listeningUrl, spawnCli } from './processes.js';

describe('data directory lock', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(() => killAll());
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('refuses a second embedded instance naming the holder, and lets a new one start once the holder was killed', async () => {
    const { env: base, cleanup } = await prepareTestEnv({ database: 'sqlite' });
    cleanups.push(cleanup);
    const env = { ...base, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0' };

    const first = spawnCli(['start'], env);
    const firstUrl = await listeningUrl(first, 60_000);

    const second = spawnCli(['start'], env);
    const refused = await exitWithin(second, 30_000);
    expect(refused.code).not.toBe(0);
    // The CLI names the database it opens on one line, then the refusal on one line of its own.
    const lines = second.stderr.trim().split('\n').filter((l) => !l.startsWith('Database: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pid ${first.process.pid}`);
    expect(lines[0]).toContain(base.SWITCHBOARD_DATA_DIR);
    expect(lines[0]).not.toMatch(/^\s*at /m);
    expect(second.stdout).not.toContain('web listening');
    expect((await fetch(`${firstUrl}/healthz`)).status).toBe(200);

    first.process.kill('SIGKILL');
    await first.exited;

    const third = spawnCli(['start'], env);
    const thirdUrl = await listeningUrl(third, 60_000);
    expect((await fetch(`${thirdUrl}/healthz`)).status).toBe(200);
    third.process.kill('SIGTERM');
    expect(await exitWithin(third, 20_000)).toMatchObject({ code: 0 });
  }, 120_000);
});
