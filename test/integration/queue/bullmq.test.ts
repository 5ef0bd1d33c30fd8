import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue as BullQueue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../src/errors.js';
import { createBullmqQueue, isBullmqQueue, type BullmqQueue, type BullmqQueueConfig } from '../../../src/queue/bullmq.js';
import { encodeJobId } from '../../../src/queue/job-id.js';
import { PermanentJobError, type QueueOptions } from '../../../src/queue/types.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { describeWithRedis, TEST_REDIS_URL } from '../../support/services.js';
import { runQueueContract, sleep, waitFor } from './queue-contract.js';

const redisUrl = TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const stallWorker = fileURLToPath(new URL('./stall-worker.ts', import.meta.url));

let seq = 0;
/** Every queue made by a test gets its own name and key prefix; `obliterateAll` removes them afterwards. */
const made: { queueName: string; prefix: string }[] = [];
function unique(): { queueName: string; prefix: string } {
  const tag = `${process.pid}-${Date.now().toString(36)}-${++seq}`;
  const names = { queueName: `q-${tag}`, prefix: `sbtest-${tag}` };
  made.push(names);
  return names;
}

function makeQueue(opts: QueueOptions, extra: Partial<BullmqQueueConfig> = {}, names = unique()): BullmqQueue {
  return createBullmqQueue({ redisUrl, ...names, ...extra }, opts, silentLogger);
}

async function obliterateAll(): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    for (const { queueName, prefix } of made.splice(0)) {
      const q = new BullQueue(queueName, { connection, prefix });
      await q.obliterate({ force: true });
      await q.close();
      expect(await connection.keys(`${prefix}:*`)).toEqual([]);
    }
  } finally {
    await connection.quit();
  }
}

describeWithRedis('BullMQ queue', () => {
  runQueueContract('bullmq', (opts) => makeQueue(opts), { cleanup: obliterateAll });

  describe('bullmq specifics', () => {
    const open: BullmqQueue[] = [];
    const children: ChildProcess[] = [];
    afterEach(async () => {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
      await Promise.all(open.splice(0).map((q) => q.close(2000)));
      await obliterateAll();
    });
    const track = (q: BullmqQueue) => (open.push(q), q);

    it('fails fast when Redis is unreachable, so ingress can answer 503', async () => {
      const port = await closedPort();
      const q = track(createBullmqQueue({ redisUrl: `redis://127.0.0.1:${port}`, queueName: 'unreachable' }, {}, silentLogger));
      for (let i = 0; i < 2; i++) {
        const t0 = Date.now();
        const err = await q.enqueue({ messageId: `m${i}` }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(UnavailableError);
        expect(err).toMatchObject({ status: 503 });
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      const t0 = Date.now();
      expect(await q.ping()).toBe(false);
      // A worker started while Redis is down does not block startup nor shutdown.
      await q.startWorker(async () => undefined, async () => undefined);
      await sleep(50);
      await q.close(1000);
      expect(Date.now() - t0).toBeLessThan(2000);
    });

    it('recovers after a Redis outage: fails fast while down, works again once Redis is back, closes while down', async () => {
      const port = await closedPort();
      const url = `redis://127.0.0.1:${port}`;
      let server = await startRedis(port);
      children.push(server);
      const q = track(createBullmqQueue({ redisUrl: url, queueName: 'outage' }, { backoffMs: 5, maxBackoffMs: 50 }, silentLogger));
      const seen: string[] = [];
      await q.startWorker(
        async (job) => {
          seen.push(job.messageId);
        },
        async () => undefined,
      );
      await q.enqueue({ messageId: 'before' });
      await waitFor(() => seen.includes('before'), 5000, 'job before the outage');

      await stopRedis(server);
      await sleep(100);
      let t0 = Date.now();
      await expect(q.enqueue({ messageId: 'during' })).rejects.toBeInstanceOf(UnavailableError);
      expect(await q.ping()).toBe(false);
      expect(Date.now() - t0).toBeLessThan(2000);

      server = await startRedis(port);
      children.push(server);
      const deadline = Date.now() + 10_000;
      while (!(await q.ping())) {
        if (Date.now() > deadline) throw new Error('producer did not reconnect');
        await sleep(100);
      }
      await q.enqueue({ messageId: 'after' });
      await waitFor(() => seen.includes('after'), 10_000, 'job after the outage');

      await stopRedis(server);
      t0 = Date.now();
      await q.close(1000);
      expect(Date.now() - t0).toBeLessThan(3000);
    });

    it('stores only the message id in the job, under an id BullMQ accepts', async () => {
      const names = unique();
      const q = track(makeQueue({}, {}, names));
      const ids = ['12345', 'wx:corp:987', '100%:done', '0'];
      for (const id of ids) await q.enqueue({ messageId: id });
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const raw = new BullQueue(names.queueName, { connection, prefix: names.prefix });
      try {
        for (const id of ids) {
          const job = await raw.getJob(encodeJobId(id));
          expect(job?.data).toEqual({ messageId: id });
          expect(job?.name).toBe('process');
        }
      } finally {
        await raw.close();
        await connection.quit();
      }
      const seen: string[] = [];
      await q.startWorker(
        async (job) => {
          seen.push(job.messageId);
        },
        async () => undefined,
      );
      await waitFor(() => seen.length === ids.length, 5000, 'all jobs');
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it('lists dead letters and retries one with fresh attempts', async () => {
      const q = track(makeQueue({ attempts: 2, backoffMs: 1, maxBackoffMs: 5 }));
      expect(isBullmqQueue(q)).toBe(true);
      const calls: { id: string; attempt: number }[] = [];
      let healed = false;
      await q.startWorker(
        async (job, ctx) => {
          calls.push({ id: job.messageId, attempt: ctx.attempt });
          if (!healed) throw new PermanentJobError('recipient not found');
        },
        async () => undefined,
      );
      await q.enqueue({ messageId: 'dl-1' });
      await waitFor(() => calls.length === 1, 5000, 'first run');
      await sleep(300);
      const dead = await q.listDeadLetters(10);
      expect(dead).toEqual([
        expect.objectContaining({ messageId: 'dl-1', failedReason: 'recipient not found', attemptsMade: 1 }),
      ]);
      expect(dead[0]!.failedAt).toBeInstanceOf(Date);
      expect(await q.retryDeadLetter('nope')).toBe(false);
      healed = true;
      expect(await q.retryDeadLetter('dl-1')).toBe(true);
      await waitFor(() => calls.length === 2, 5000, 'replay');
      expect(calls[1]).toEqual({ id: 'dl-1', attempt: 1 });
      await sleep(100);
      expect(await q.listDeadLetters(10)).toEqual([]);
    });

    it('recovers a job whose worker was killed mid-job (SIGKILL) on another worker', async () => {
      const names = unique();
      const stall = { lockDurationMs: 1000, stalledIntervalMs: 500 };
      const producer = track(makeQueue({}, stall, names));
      // `node --import tsx` rather than node_modules/.bin/tsx: the tsx CLI runs the script in a grandchild, which
      // would survive a SIGKILL sent to the child and keep renewing the job's lock.
      const child = spawn(process.execPath, ['--import', 'tsx', stallWorker, redisUrl, names.queueName, names.prefix], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await waitFor(() => out.includes('READY'), 20_000, 'child worker');
      await producer.enqueue({ messageId: 'stalled-1' });
      await waitFor(() => out.includes('STARTED stalled-1'), 10_000, 'child to take the job');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const rescuer = track(makeQueue({}, stall, names));
      const runs: { id: string; attempt: number }[] = [];
      const t0 = Date.now();
      await rescuer.startWorker(
        async (job, ctx) => {
          runs.push({ id: job.messageId, attempt: ctx.attempt });
        },
        async () => undefined,
      );
      await waitFor(() => runs.length === 1, 15_000, 'stalled job to run again');
      expect(runs).toEqual([{ id: 'stalled-1', attempt: 1 }]);
      expect(Date.now() - t0).toBeLessThan(10_000);
    });

    it('puts a job aborted by close back in the queue, unused: the next worker runs it as attempt 1 at once', async () => {
      const names = unique();
      const first = track(makeQueue({}, {}, names));
      let started = false;
      await first.startWorker(
        (_job, ctx) =>
          new Promise<void>((_resolve, reject) => {
            started = true;
            ctx.signal?.addEventListener('abort', () => reject(new Error('stopped by the abort')));
          }),
        async () => undefined,
      );
      await first.enqueue({ messageId: 'aborted-1' });
      await waitFor(() => started, 10_000, 'job start');
      await first.close(200);

      const next = track(makeQueue({}, {}, names));
      const runs: { id: string; attempt: number }[] = [];
      const t0 = Date.now();
      await next.startWorker(
        async (job, ctx) => {
          runs.push({ id: job.messageId, attempt: ctx.attempt });
        },
        async () => undefined,
      );
      await waitFor(() => runs.length === 1, 10_000, 'aborted job to run again');
      expect(runs).toEqual([{ id: 'aborted-1', attempt: 1 }]);
      // Not left to the stalled-job check (30 s) nor to a retry backoff.
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(await next.listDeadLetters(10)).toEqual([]);
    });
  });
});

/** A private redis-server, so an outage can be simulated without touching the shared one. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        if (probe.status === 'wait') await probe.connect();
        if ((await probe.ping()) === 'PONG') return child;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await sleep(50);
      }
    }
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
