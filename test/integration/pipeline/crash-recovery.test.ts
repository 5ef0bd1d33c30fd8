import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/store/client.js';
import { prepareTestEnv } from '../../support/runtime.js';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(import.meta.dirname, 'child-runtime.ts');

function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  // `node --import tsx` keeps the script in this child: the tsx CLI would run it in a grandchild that survives SIGKILL.
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!out.split('\n').includes(line)) reject(new Error(`child exited (${code}) before "${line}"; stderr: ${err.slice(-2000)}`));
    });
  });
}

describe('embedded mode survives SIGKILL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('loses no queued or running message when the process is killed, and finishes them after restart', async () => {
    const { env, cleanup } = await prepareTestEnv({ database: 'sqlite' });
    cleanups.push(cleanup);
    const N = 60;

    const first = spawnChild(['accept', String(N)], env);
    await waitForLine(first, 'accepted', 60_000);
    // Let it get part of the way (20 ms per run, 5 conversations), then kill it without warning.
    await new Promise((r) => setTimeout(r, 150));
    first.kill('SIGKILL');
    await once(first, 'exit');

    const database = await createDatabase(env.DATABASE_URL);
    try {
      const before = await database.db.message.groupBy({ by: ['status'], _count: true });
      const unfinished = before.filter((g) => g.status !== 'replied').reduce((n, g) => n + g._count, 0);
      expect(await database.db.message.count()).toBe(N);
      // The kill must have left work behind, or this test proves nothing.
      expect(unfinished).toBeGreaterThan(0);

      const second = spawnChild(['resume'], env);
      await waitForLine(second, 'done', 90_000);
      await once(second, 'exit');

      const messages = await database.db.message.findMany({ include: { deliveries: true } });
      expect(messages).toHaveLength(N);
      for (const m of messages) {
        expect(m.status).toBe('replied');
        expect(m.deliveries.filter((d) => d.status === 'sent' && d.kind === 'reply').length).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await database.close();
    }
  }, 180_000);
});
