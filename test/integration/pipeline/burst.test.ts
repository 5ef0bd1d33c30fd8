import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedMessage } from '../../../src/adapters/types.js';
import { startWorker, type WorkerHandle } from '../../../src/main.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { createTestRuntime, seedBot, waitFor, type TestRuntime, type TestRuntimeOptions } from '../../support/runtime.js';
import { describeWithPostgres, describeWithRedis, TEST_PG_URL, TEST_REDIS_URL } from '../../support/services.js';

const CONVERSATIONS = 50;
const PER_CONVERSATION = 20;
const TOTAL = CONVERSATIONS * PER_CONVERSATION;

function burstSuite(setup: () => Pick<TestRuntimeOptions, 'database' | 'redisUrl'>) {
  let t: TestRuntime;
  let worker: WorkerHandle;
  const adapter = createRecordingAdapter();
  const gateway = createEchoGateway({ delayMs: () => Math.floor(Math.random() * 3) });

  beforeAll(async () => {
    t = await createTestRuntime({ ...setup(), adapters: [adapter], workflows: gateway, env: { WORKER_CONCURRENCY: '16' } });
    worker = await startWorker(t.runtime);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.dispose();
  });

  it(`processes ${TOTAL} messages across ${CONVERSATIONS} conversations: one run and one delivery each, in arrival order`, async () => {
    const { tenantId, botId } = await seedBot(t.runtime);
    const messages: NormalizedMessage[] = [];
    for (let seq = 0; seq < PER_CONVERSATION; seq++) {
      for (let c = 0; c < CONVERSATIONS; c++) {
        messages.push({
          id: `m-${c}-${seq}`,
          platform: 'wecom',
          tenantId,
          botId,
          conversation: { id: `c${c}`, type: 'direct' },
          sender: { id: `u${c}` },
          text: `c${c} #${seq}`,
          mentionsBot: false,
          attachments: [],
          replyTarget: { conversation: `c${c}` },
          receivedAt: new Date().toISOString(),
        });
      }
    }
    // A burst: every accept call is issued at once, as concurrent callbacks would be.
    const outcomes = await Promise.all(messages.map((m) => t.runtime.inbox.accept([m])));
    expect(outcomes.flat().filter((o) => o.duplicate)).toHaveLength(0);
    // The platform retries a tenth of them: nothing new may come of it.
    const retries = await Promise.all(messages.filter((_, i) => i % 10 === 0).map((m) => t.runtime.inbox.accept([m])));
    expect(retries.flat().every((o) => o.duplicate)).toBe(true);

    await waitFor(() => adapter.sent.length >= TOTAL, 120_000, `${TOTAL} replies`);
    await waitFor(async () => (await t.runtime.database.db.message.count({ where: { status: 'replied' } })) === TOTAL, 10_000, 'all replied');

    expect(adapter.sent).toHaveLength(TOTAL);
    expect(gateway.calls).toHaveLength(TOTAL);
    expect(await t.runtime.database.db.run.count()).toBe(TOTAL);
    expect(await t.runtime.database.db.delivery.count({ where: { status: 'sent' } })).toBe(TOTAL);

    for (let c = 0; c < CONVERSATIONS; c++) {
      const replies = adapter.sent.filter((s) => s.target.conversation === `c${c}`).map((s) => s.reply.text);
      expect(replies).toEqual(Array.from({ length: PER_CONVERSATION }, (_, seq) => `echo: c${c} #${seq}`));
      const calls = gateway.calls.filter((call) => call.query.startsWith(`c${c} `));
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.startedAt).toBeGreaterThanOrEqual(calls[i - 1]!.endedAt);
      // Conversation memory: the first turn starts a workflow conversation; the rest continue it.
      expect(new Set(calls.slice(1).map((call) => call.conversationId)).size).toBe(1);
    }
  }, 180_000);
}

describe('pipeline burst: inline queue on SQLite', () => burstSuite(() => ({ database: 'sqlite' })));

describeWithRedis('pipeline burst: BullMQ on Redis', () => {
  describeWithPostgres('with PostgreSQL', () => burstSuite(() => ({ database: { pgUrl: TEST_PG_URL! }, redisUrl: TEST_REDIS_URL })));
});
