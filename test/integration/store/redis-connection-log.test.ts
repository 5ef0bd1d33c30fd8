import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRedisKeyValueStore } from '../../../src/store/redis-kv.js';
import { capturingLogger } from '../adapters/wecom/support.js';
import { waitFor } from '../../support/runtime.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const describeWithRedisServer = hasRedisServer ? describe : describe.skip;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A private Redis on its own port (never the machine's shared one): this test stops and restarts it. */
async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 5000, 'the private Redis');
  return child;
}

describeWithRedisServer(`Redis connection state in the log${hasRedisServer ? '' : ' [skipped: redis-server not installed]'}`, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('one JSON warn line when Redis goes away, one info line when it is back, no plain-text ioredis lines', async () => {
    const port = await freePort();
    children.push(await startPrivateRedis(port));
    const { logger, lines } = capturingLogger();
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const kv = createRedisKeyValueStore(`redis://127.0.0.1:${port}`, 'sbtest:', logger);
    try {
      await kv.set('k', 'v', 10_000);
      children.pop()!.kill('SIGKILL');
      const parsed = () => lines.map((l) => JSON.parse(l) as { level: string; msg: string });
      await waitFor(() => parsed().some((l) => l.msg.startsWith('redis unavailable')), 5000, 'the unavailable line');
      await new Promise((r) => setTimeout(r, 2500)); // several reconnect attempts fail meanwhile
      children.push(await startPrivateRedis(port));
      await waitFor(() => parsed().some((l) => l.msg === 'redis available again'), 10_000, 'the recovery line');
      expect(parsed().filter((l) => l.msg.startsWith('redis unavailable'))).toHaveLength(1);
      expect(parsed().find((l) => l.msg.startsWith('redis unavailable'))?.level).toBe('warn');
      expect(stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('[ioredis]'))).toEqual([]);
      await kv.set('k2', 'v2', 10_000);
      expect(await kv.get('k2')).toBe('v2');
    } finally {
      stderr.mockRestore();
      await kv.close?.();
    }
  }, 30_000);
});
