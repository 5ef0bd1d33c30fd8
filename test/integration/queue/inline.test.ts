import { describe, expect, it } from 'vitest';
import { createInlineQueue } from '../../../src/queue/inline.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { runQueueContract, sleep, waitFor } from './queue-contract.js';

runQueueContract('inline', (opts) => createInlineQueue(opts, silentLogger));

describe('inline queue', () => {
  it('refuses new jobs beyond maxPending and frees entries when jobs finish', async () => {
    const q = createInlineQueue({ maxPending: 2, backoffMs: 1, maxBackoffMs: 5 }, silentLogger);
    await q.enqueue({ messageId: 'a' });
    await q.enqueue({ messageId: 'b' });
    await q.enqueue({ messageId: 'a' }); // pending already: no-op, not an overflow
    await expect(q.enqueue({ messageId: 'c' })).rejects.toMatchObject({ code: 'queue_full', status: 503 });
    const done: string[] = [];
    await q.startWorker(
      async (job) => {
        done.push(job.messageId);
      },
      async () => undefined,
    );
    await waitFor(() => done.length === 2);
    await sleep(5);
    await q.enqueue({ messageId: 'c' });
    await waitFor(() => done.length === 3);
    await q.close();
  });

  it('close drops delayed jobs without waiting for their timers', async () => {
    const q = createInlineQueue({}, silentLogger);
    await q.startWorker(async () => undefined, async () => undefined);
    await q.enqueue({ messageId: 'later' }, { delayMs: 60_000 });
    const t0 = Date.now();
    await q.close(1000);
    expect(Date.now() - t0).toBeLessThan(100);
  });
});
