/**
 * The sweep gives a job to a message left `running` with none: what a job leaves behind when the database refused
 * its last writes (a full disk), so it could mark the message neither queued nor failed. Without it such a message
 * waited for the next restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../../src/main.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { createTestRuntime, seedBot, waitFor, type TestRuntime } from '../../support/runtime.js';

describe('sweep', () => {
  let t: TestRuntime;
  let worker: WorkerHandle;
  const adapter = createRecordingAdapter();

  beforeAll(async () => {
    t = await createTestRuntime({ database: 'sqlite', adapters: [adapter], workflows: createEchoGateway() });
    worker = await startWorker(t.runtime);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.dispose();
  });

  it('runs a message left running without a job, once it has been untouched for a while', async () => {
    const { tenantId, botId } = await seedBot(t.runtime);
    // Stored without a job, then left `running` an hour ago, as by a job whose final writes all failed.
    const [row] = await t.runtime.repos.messages.insertBatch([
      {
        tenantId,
        botId,
        platform: 'wecom',
        platformMessageId: 'orphan-1',
        conversationKey: `${botId}|c1|`,
        senderId: 'user-c1',
        text: 'still there?',
        payload: { conversation: { id: 'c1', type: 'direct' }, mentionsBot: false, attachments: [], replyTarget: { conversation: 'c1' } },
        receivedAt: new Date(),
      },
    ]);
    await t.runtime.database.db.message.update({ where: { id: row!.id }, data: { status: 'running', attempts: 1, updatedAt: new Date(Date.now() - 3_600_000) } });

    await waitFor(async () => (await t.runtime.database.db.message.findUnique({ where: { id: row!.id } }))?.status === 'replied', 15_000, 'the orphan to be replied');
    expect(adapter.sent.map((s) => s.reply.text)).toEqual(['echo: still there?']);
  });
});
