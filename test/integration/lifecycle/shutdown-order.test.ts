/**
 * The shutdown sequence on a real runtime, in process: each step runs once whatever asks how often, a failing step
 * does not skip the later ones but makes the exit code 1, and the data directory is unlocked at the end.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockDataDir } from '../../../src/lifecycle/data-dir-lock.js';
import { createShutdown } from '../../../src/lifecycle/shutdown.js';
import { startWeb, startWorker } from '../../../src/main.js';
import { createTestRuntime, type TestRuntime } from '../../support/runtime.js';

describe('createShutdown', () => {
  const runtimes: TestRuntime[] = [];
  afterEach(async () => {
    for (const t of runtimes.splice(0)) await t.dispose().catch(() => undefined);
  });

  async function service(env: Record<string, string> = {}) {
    const t = await createTestRuntime({ database: 'sqlite', env: { SHUTDOWN_REQUEST_GRACE_MS: '100', SHUTDOWN_TIMEOUT_MS: '100', ...env } });
    runtimes.push(t);
    const lock = lockDataDir(t.runtime.config)!;
    const worker = await startWorker(t.runtime);
    const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
    return { t, lock, worker, web };
  }

  it('stops web, worker, runtime and lock once, then exits 0', async () => {
    const { t, lock, worker, web } = await service();
    const steps = [vi.spyOn(web, 'close'), vi.spyOn(worker, 'close'), vi.spyOn(t.runtime, 'close'), vi.spyOn(lock, 'release')];
    const exits: number[] = [];
    const shutdown = createShutdown({ runtime: t.runtime, web, worker, lock }, (code) => exits.push(code));
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT'), shutdown('SIGTERM')]);
    expect(exits).toEqual([0]);
    for (const step of steps) expect(step).toHaveBeenCalledOnce();
    const order = steps.map((step) => step.mock.invocationCallOrder[0]!);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(web.server.listening).toBe(false);
    expect(await t.runtime.queue.ping()).toBe(false);
    // Released: the next instance may take the data directory.
    lockDataDir(t.runtime.config)!.release();
  });

  it('runs every step when one fails, and exits 1', async () => {
    const { t, lock, worker, web } = await service();
    const exits: number[] = [];
    const failingWorker = {
      async close() {
        await worker.close();
        throw new Error('worker close failed');
      },
    };
    const closeRuntime = vi.spyOn(t.runtime, 'close');
    await createShutdown({ runtime: t.runtime, web, worker: failingWorker, lock }, (code) => exits.push(code))('SIGTERM');
    expect(exits).toEqual([1]);
    expect(closeRuntime).toHaveBeenCalledOnce();
    lockDataDir(t.runtime.config)!.release();
  });

  it('lets a request in flight finish within the request grace', async () => {
    const { t, lock, worker, web } = await service({ SHUTDOWN_REQUEST_GRACE_MS: '3000' });
    const { port } = new URL(web.url);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    const exits: number[] = [];
    const t0 = Date.now();
    const stopping = createShutdown({ runtime: t.runtime, web, worker, lock }, (code) => exits.push(code))('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write('\r\n');
    await closed;
    await stopping;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"status":"ok"}');
    // Over as soon as the request was: the grace is a limit, not a wait.
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(exits).toEqual([0]);
  });
});
