/**
 * `/readyz` reports what the process depends on: 200 with every check `ok`, 503 naming the check that fails — a
 * closed queue (always), a PostgreSQL that became unreachable or a closed database (when PostgreSQL is configured)
 * — and 200 again once the dependency is back. `/healthz` keeps answering 200 throughout: the process itself serves.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWeb, startWorker, type WebHandle, type WorkerHandle } from '../../../src/main.js';
import { createTestRuntime, waitFor, type TestRuntime } from '../../support/runtime.js';
import { describeWithPostgres, TEST_PG_URL } from '../../support/services.js';

interface Readiness {
  status: number;
  body: { status: string; checks: Record<string, string>; reasons?: Record<string, string> };
}

async function readyz(url: string): Promise<Readiness> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness['body'] };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function throwaway(database: 'sqlite' | { pgUrl: string }): Promise<{ t: TestRuntime; web: WebHandle; worker: WorkerHandle }> {
  const t = await createTestRuntime({ database });
  cleanups.push(() => t.dispose());
  const worker = await startWorker(t.runtime);
  cleanups.push(() => worker.close());
  const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
  cleanups.push(() => web.close());
  return { t, web, worker };
}

describe('/readyz', () => {
  it('answers 503 naming the queue when the queue is closed, while /healthz still answers 200', async () => {
    const { t, web } = await throwaway('sqlite');
    expect(await readyz(web.url)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', queue: 'ok', worker: 'ok' } } });
    await t.runtime.queue.close(1_000);
    expect(await readyz(web.url)).toEqual({ status: 503, body: { status: 'not_ready', checks: { database: 'ok', queue: 'unavailable', worker: 'ok' } } });
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
  });
});

describeWithPostgres('/readyz with PostgreSQL', () => {
  it('answers 503 naming the database while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    const proxy = await TcpProxy.start(new URL(TEST_PG_URL!));
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(TEST_PG_URL!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const { web } = await throwaway({ pgUrl: viaProxy.toString() });
    expect(await readyz(web.url)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', queue: 'ok', worker: 'ok' } } });

    // The network path to the database goes away: open connections are cut, new ones are refused.
    await proxy.stop();
    const started = Date.now();
    const down = await readyz(web.url);
    expect(down).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { database: 'unavailable', queue: 'ok', worker: 'ok' }, reasons: { database: expect.any(String) } },
    });
    // Bounded by the readiness check's own timeout, whatever the driver does.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    // Still 503 while it stays down (and the process keeps running: no crash from the pool's broken clients).
    await new Promise((r) => setTimeout(r, 500));
    expect((await readyz(web.url)).status).toBe(503);

    await proxy.resume();
    await waitFor(async () => (await readyz(web.url)).status === 200, 10_000, 'ready again once the database is back');
    expect((await readyz(web.url)).body.checks).toEqual({ database: 'ok', queue: 'ok', worker: 'ok' });
  });

  it('answers 503 naming the database once the database is closed', async () => {
    const { t, web } = await throwaway({ pgUrl: TEST_PG_URL! });
    expect((await readyz(web.url)).status).toBe(200);
    await t.runtime.database.close();
    expect(await readyz(web.url)).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { database: 'unavailable', queue: 'ok', worker: 'ok' }, reasons: { database: 'closed' } },
    });
  });
});

/** A TCP proxy to a real service that can be stopped (connections cut, port closed) and resumed on the same port. */
class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: URL): Promise<TcpProxy> {
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.resume();
    return proxy;
  }

  async resume(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
