/**
 * Replay end to end: the admin API (real HTTP) sends a dead letter back, the worker of the same runtime takes it
 * from the queue. A workflow run that already succeeded is not repeated (only the send is); a message whose
 * workflow failed runs it again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWeb, startWorker, type WebHandle, type WorkerHandle } from '../../../src/main.js';
import { createEchoGateway, createRecordingAdapter } from '../../support/doubles.js';
import { createTestRuntime, seedBot, waitFor, type TestRuntime } from '../../support/runtime.js';
import { ApiClient, forEachDatabase, makeUser, PASSWORD } from './support.js';

forEachDatabase('replay through the pipeline', (database) => {
  let t: TestRuntime;
  let web: WebHandle;
  let worker: WorkerHandle;
  let operator: ApiClient;
  let seeded: { tenantId: string; botId: string; workflowId: string };
  const adapter = createRecordingAdapter();
  const gateway = createEchoGateway();

  beforeAll(async () => {
    t = await createTestRuntime({ database, adapters: [adapter], workflows: gateway });
    seeded = await seedBot(t.runtime);
    web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
    worker = await startWorker(t.runtime);
    await makeUser(t.runtime, { email: 'op@acme.example.com', tenantId: seeded.tenantId, role: 'operator' });
    operator = new ApiClient(web.url);
    await operator.login('op@acme.example.com', PASSWORD);
  });
  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await t?.dispose();
  });

  /** A message that failed for good: budget spent, finished. */
  async function deadLetter(platformMessageId: string, text: string): Promise<string> {
    const { tenantId, botId } = seeded;
    const [row] = await t.runtime.repos.messages.insertBatch([
      {
        tenantId,
        botId,
        platform: 'wecom',
        platformMessageId,
        conversationKey: `${botId}|${platformMessageId}|`,
        senderId: 'user-1',
        text,
        payload: { conversation: { id: platformMessageId, type: 'direct' }, mentionsBot: false, attachments: [], replyTarget: { conversation: platformMessageId } },
        receivedAt: new Date(),
      },
    ]);
    const id = row?.id as string;
    await t.runtime.database.db.message.update({
      where: { id },
      data: { status: 'failed', attempts: 8, firstAttemptAt: new Date(Date.now() - 600_000), finishedAt: new Date(), errorCode: 'send_failed', lastError: 'platform down' },
    });
    return id;
  }

  const statusOf = async (id: string) => (await t.runtime.database.db.message.findUniqueOrThrow({ where: { id } })).status;

  it('a send failure: replay sends the stored answer again without running the workflow', async () => {
    const id = await deadLetter('sendfail-1', 'what is the time?');
    const runId = await t.runtime.repos.runs.start({ tenantId: seeded.tenantId, messageId: id, workflowId: seeded.workflowId, attempt: 1, inputs: {} });
    await t.runtime.repos.runs.succeed(runId, { answer: 'the stored answer', files: [] });
    const delivery = await t.runtime.repos.deliveries.start({ tenantId: seeded.tenantId, messageId: id, runId, kind: 'reply' });
    await t.runtime.repos.deliveries.markFailed(delivery, { errorCode: 'send_failed', error: 'platform down' });

    const res = await operator.post(`/api/v1/tenants/${seeded.tenantId}/messages/${id}/replay`);
    expect(res.status, res.text).toBe(200);
    await waitFor(async () => (await statusOf(id)) === 'replied', 20_000, 'the replayed message to be replied');
    expect(adapter.sent.map((s) => s.reply.text)).toContain('the stored answer');
    expect(gateway.calls.filter((c) => c.query === 'what is the time?')).toEqual([]);
    expect(await t.runtime.database.db.run.count({ where: { messageId: id } })).toBe(1);
    // Replied now: a second replay is refused and sends nothing.
    const sends = adapter.sent.length;
    expect((await operator.post(`/api/v1/tenants/${seeded.tenantId}/messages/${id}/replay`)).status).toBe(409);
    expect(adapter.sent.length).toBe(sends);
  });

  it('a workflow failure: replay runs the workflow again with a fresh budget', async () => {
    const id = await deadLetter('flowfail-1', 'try again please');
    const res = await operator.post(`/api/v1/tenants/${seeded.tenantId}/messages/replay`, { messageIds: [id] });
    expect(res.json.results).toEqual([{ id, outcome: 'replayed' }]);
    await waitFor(async () => (await statusOf(id)) === 'replied', 20_000, 'the replayed message to be replied');
    expect(gateway.calls.filter((c) => c.query === 'try again please')).toHaveLength(1);
    expect(adapter.sent.map((s) => s.reply.text)).toContain('echo: try again please');
    const row = await t.runtime.database.db.message.findUniqueOrThrow({ where: { id } });
    expect(row.attempts).toBe(1);
  });
});
