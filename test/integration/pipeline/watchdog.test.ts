/**
 * The watchdog on the real path: a worker whose database writes cannot go through (here another process holds
 * SQLite's write lock far longer than the worker waits) makes no progress; /readyz then answers 503 naming the worker
 * and why, and the process exits with code 75 so a supervisor restarts it. The restarted process finishes the
 * message once the database takes writes again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WATCHDOG_EXIT_CODE } from '../../../src/pipeline/watchdog.js';
import { createDatabase } from '../../../src/store/client.js';
import { prepareTestEnv, waitFor } from '../../support/runtime.js';
import { holdSqliteWriteLock } from '../../support/sqlite-lock.js';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(import.meta.dirname, 'child-runtime.ts');

interface Child {
  process: ChildProcess;
  stderr: () => string;
  line(prefix: string, timeoutMs: number): Promise<string>;
}

function spawnChild(mode: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    process: child,
    stderr: () => err,
    async line(prefix, timeoutMs) {
      await waitFor(() => out.split('\n').some((l) => l.startsWith(prefix)) || child.exitCode !== null, timeoutMs, `"${prefix}" from the child`);
      const found = out.split('\n').find((l) => l.startsWith(prefix));
      if (found === undefined) throw new Error(`child exited (${child.exitCode}) before "${prefix}"; stderr: ${err.slice(-2000)}`);
      return found;
    },
  };
}

describe('watchdog on a worker whose database writes do not go through', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('reports the stall on /readyz, exits with code 75, and the restarted process finishes the message', async () => {
    const { env, cleanup } = await prepareTestEnv({
      database: 'sqlite',
      env: { WATCHDOG_STALL_MS: '1500', WATCHDOG_EXIT_MS: '5000', DB_CALL_TIMEOUT_MS: '1000' },
    });
    cleanups.push(cleanup);
    const database = await createDatabase(env.DATABASE_URL);
    cleanups.push(() => database.close());

    const first = spawnChild('stall', env);
    cleanups.push(async () => void first.process.kill('SIGKILL'));
    const url = (await first.line('url ', 60_000)).slice('url '.length);
    await first.line('accepted', 10_000);
    const exited = once(first.process, 'exit') as Promise<[number | null]>;
    // The run is under way (1.5 s in the workflow); its writes will meet the lock.
    const holder = await holdSqliteWriteLock(database, 15_000);

    let readiness: { status: number; body: { checks: Record<string, string>; reasons?: Record<string, string> } } | undefined;
    await waitFor(async () => {
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      if (!res) return false;
      readiness = { status: res.status, body: (await res.json()) as NonNullable<typeof readiness>['body'] };
      return readiness.body.checks.worker === 'unavailable';
    }, 10_000, '/readyz to report the stalled worker');
    expect(readiness!.status).toBe(503);
    expect(readiness!.body.reasons?.worker).toMatch(/^jobs pending with no progress for \d+ s \(\d running\)$/);

    const [code] = await Promise.race([exited, new Promise<[number | null]>((_, reject) => setTimeout(() => reject(new Error('the stalled process did not exit')), 20_000))]);
    expect(code).toBe(WATCHDOG_EXIT_CODE);
    expect(first.stderr()).toMatch(/worker stalled for too long: exiting so a supervisor restarts the process/);
    expect(await database.db.message.count({ where: { status: 'replied' } })).toBe(0);

    await holder.done;
    const second = spawnChild('resume', env);
    cleanups.push(async () => void second.process.kill('SIGKILL'));
    await second.line('done', 60_000);
    expect(await database.db.message.findMany({ select: { status: true } })).toEqual([{ status: 'replied' }]);
  }, 120_000);
});
