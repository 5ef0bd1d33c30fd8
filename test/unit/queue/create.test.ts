import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createQueue } from '../../../src/queue/create.js';

describe('createQueue', () => {
  it('is inline without a Redis URL', async () => {
    const q = createQueue({}, {}, silentLogger);
    expect(q.driver).toBe('inline');
    await q.close();
  });

  it('is BullMQ with a Redis URL (no connection needed to build it)', async () => {
    const q = createQueue({ redisUrl: 'redis://127.0.0.1:1' }, {}, silentLogger);
    expect(q.driver).toBe('bullmq');
    await q.close(100);
  });
});
