/**
 * Messages and operations through real HTTP (startWeb, production router) on SQLite and PostgreSQL: search with
 * filters and cursor pages, message detail, dead letters and replay (one, bulk, idempotent, refused when replied),
 * conversation reset, and usage per bot and day checked against numbers computed by hand from the seeded rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/main.js';
import type { ProcessJob } from '../../../src/queue/types.js';
import { ApiClient, forEachDatabase, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';
const DAY1 = '2026-03-10';
const DAY2 = '2026-03-11';

interface Seeded {
  tenantId: string;
  botId: string;
  otherBotId: string;
  conversationId: string;
}

async function seedTenant(runtime: Runtime, slug: string): Promise<Seeded> {
  const { repos } = runtime;
  const tenant = await repos.tenants.create({ slug, name: slug });
  const bot = (name: string) =>
    repos.bots.upsert({ tenantId: tenant.id, name, platform: 'wecom', mode: 'app', credentials: {}, settings: {}, enabled: false, workflowId: null, approvalPolicy: 'none' });
  const [b1, b2] = [await bot('one'), await bot('two')];
  const conversation = await repos.conversations.upsert({ tenantId: tenant.id, botId: b1.id, platformConversationId: 'chat', threadKey: '', type: 'group' });
  await repos.conversations.setWorkflowConversationId(tenant.id, conversation.id, 'dify-conv-1');
  return { tenantId: tenant.id, botId: b1.id, otherBotId: b2.id, conversationId: conversation.id };
}

let counter = 0;

/** One stored message; `finishedAfterMs` stamps finishedAt that long after receivedAt. */
async function addMessage(
  runtime: Runtime,
  s: Seeded,
  opts: { botId?: string; text?: string; status?: string; receivedAt?: Date; finishedAfterMs?: number; conversationId?: string; payload?: Record<string, unknown> } = {},
): Promise<string> {
  const receivedAt = opts.receivedAt ?? new Date();
  const [row] = await runtime.repos.messages.insertBatch([
    {
      tenantId: s.tenantId,
      botId: opts.botId ?? s.botId,
      platform: 'wecom',
      platformMessageId: `pm-${++counter}`,
      conversationKey: 'k',
      senderId: 'alice',
      senderName: 'Alice',
      text: opts.text ?? `message ${counter}`,
      payload: opts.payload ?? { conversation: { id: 'chat', type: 'group' }, mentionsBot: true, attachments: [] },
      receivedAt,
    },
  ]);
  const id = row?.id as string;
  await runtime.database.db.message.update({
    where: { id },
    data: {
      status: opts.status ?? 'queued',
      conversationId: opts.conversationId ?? null,
      ...(opts.finishedAfterMs !== undefined ? { finishedAt: new Date(receivedAt.getTime() + opts.finishedAfterMs) } : {}),
      ...(opts.status === 'failed' ? { errorCode: 'workflow_failed', lastError: 'the workflow answered 500', attempts: 8, firstAttemptAt: receivedAt } : {}),
    },
  });
  return id;
}

async function addRun(runtime: Runtime, tenantId: string, messageId: string, result: { tokens: [number, number, number]; price: string; latencyMs: number }): Promise<string> {
  const runId = await runtime.repos.runs.start({ tenantId, messageId, workflowId: null, attempt: 1, inputs: { query: 'q', user: 'alice' } });
  await runtime.repos.runs.succeed(runId, {
    answer: 'the answer',
    files: [{ name: 'a.png', mime: 'image/png', url: 'https://files.example.com/a.png' }],
    promptTokens: result.tokens[0],
    completionTokens: result.tokens[1],
    totalTokens: result.tokens[2],
    totalPrice: result.price,
    currency: 'USD',
    latencyMs: result.latencyMs,
  });
  return runId;
}

forEachDatabase('admin messages and operations', (database) => {
  let server: AdminServer;
  let a: Seeded;
  let b: Seeded;
  let operator: ApiClient;
  const enqueued: string[] = [];

  beforeAll(async () => {
    let runtime: Runtime | undefined;
    server = await startAdminServer({
      database,
      admin: {
        rateLimits: { mutationsPerMinute: 10_000 },
        // The runtime's own queue, watched: replay must hand the message to it.
        queue: {
          enqueue: async (job: ProcessJob, opts?: { delayMs?: number }) => {
            enqueued.push(job.messageId);
            await runtime?.queue.enqueue(job, opts);
          },
        },
      },
      before: async (r) => {
        runtime = r;
      },
    });
    a = await seedTenant(server.runtime, 'alpha');
    b = await seedTenant(server.runtime, 'bravo');
    operator = await signedIn(server, { email: 'op@alpha.example.com', tenantId: a.tenantId, role: 'operator' });
  });
  afterAll(async () => server?.close());

  describe('search', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      const r = server.runtime;
      ids = {
        invoice: await addMessage(r, a, { text: 'Where is my INVOICE?', status: 'failed', receivedAt: new Date('2026-02-01T10:00:00Z') }),
        percent: await addMessage(r, a, { text: 'a 100% discount_code', status: 'replied', receivedAt: new Date('2026-02-02T10:00:00Z') }),
        plain: await addMessage(r, a, { text: 'a 100 discountXcode', status: 'replied', receivedAt: new Date('2026-02-03T10:00:00Z') }),
        other: await addMessage(r, a, { botId: a.otherBotId, text: 'invoice for bot two', status: 'queued', receivedAt: new Date('2026-02-04T10:00:00Z') }),
        foreign: await addMessage(r, b, { text: 'invoice of another tenant', status: 'failed', receivedAt: new Date('2026-02-01T10:00:00Z') }),
      };
    });
    const search = async (query: Record<string, string>) => {
      const res = await operator.get(`${API}/tenants/${a.tenantId}/messages?${new URLSearchParams({ from: '2026-02-01T00:00:00Z', to: '2026-02-05T00:00:00Z', ...query })}`);
      expect(res.status, res.text).toBe(200);
      return (res.json.items as { id: string }[]).map((m) => m.id);
    };

    it('filters by text (case-insensitive substring; % and _ match themselves), bot, status and time range, newest first', async () => {
      expect(await search({ q: 'invoice' })).toEqual([ids.other, ids.invoice]);
      expect(await search({ q: '100% discount_' })).toEqual([ids.percent]);
      expect(await search({ q: '_' })).toEqual([ids.percent]);
      expect(await search({ botId: a.otherBotId })).toEqual([ids.other]);
      expect(await search({ status: 'replied' })).toEqual([ids.plain, ids.percent]);
      expect(await search({ from: '2026-02-02T00:00:00Z', to: '2026-02-03T10:00:00Z' })).toEqual([ids.percent]);
      expect(await search({ from: '2026-02-02T00:00:00Z', to: '2026-02-03T10:00:00.001Z' })).toEqual([ids.plain, ids.percent]);
      expect(await search({ q: 'invoice', status: 'failed', botId: a.botId })).toEqual([ids.invoice]);
      const dead = await operator.get(`${API}/tenants/${a.tenantId}/dead-letters?from=2026-02-01T00:00:00Z&to=2026-02-05T00:00:00Z`);
      expect(dead.json.items.map((m: { id: string }) => m.id)).toEqual([ids.invoice]);
      expect(dead.json.items[0]).toMatchObject({ status: 'failed', errorCode: 'workflow_failed', lastError: 'the workflow answered 500', sender: { id: 'alice', name: 'Alice' } });
    });

    it('refuses a limit above 100, an unknown status and a malformed time with 422', async () => {
      for (const query of ['limit=101', 'status=lost', 'from=yesterday']) {
        const res = await operator.get(`${API}/tenants/${a.tenantId}/messages?${query}`);
        expect(res.status, query).toBe(422);
        expect(res.json.error.code).toBe('validation_failed');
      }
    });

    it('pages with a cursor: no duplicates and no omissions when messages arrive between pages', async () => {
      const r = server.runtime;
      const text = 'paging-run';
      const seeded: string[] = [];
      for (let i = 0; i < 23; i++) seeded.push(await addMessage(r, a, { text: `${text} ${i}` }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query = new URLSearchParams({ q: text, limit: '5', ...(cursor ? { cursor } : {}) });
        const res = await operator.get(`${API}/tenants/${a.tenantId}/messages?${query}`);
        expect(res.status).toBe(200);
        seen.push(...res.json.items.map((m: { id: string }) => m.id));
        cursor = res.json.nextCursor;
        // New arrivals while the operator reads: newer than every page, so they never show up in later ones.
        if (pages++ < 3) await addMessage(r, a, { text: `${text} late ${pages}` });
      } while (cursor);
      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seeded].reverse());
    });
  });

  describe('detail, replay, reset', () => {
    it('the detail holds the normalized message, inputs, answer, files, tokens, cost, latency per stage, runs, deliveries and errors', async () => {
      const r = server.runtime;
      const receivedAt = new Date(Date.now() - 10_000);
      const id = await addMessage(r, a, {
        status: 'replied',
        receivedAt,
        finishedAfterMs: 4_000,
        conversationId: a.conversationId,
        payload: {
          conversation: { id: 'chat', type: 'group' },
          mentionsBot: true,
          attachments: [{ kind: 'image', ref: 'media-ref-123', name: 'p.png', mime: 'image/png', size: 10 }],
          replyTarget: { sessionWebhook: 'https://oapi.example.com/robot/send?access_token=reply-credential' },
        },
      });
      await r.database.db.message.update({ where: { id }, data: { firstAttemptAt: new Date(receivedAt.getTime() + 250) } });
      const failedRun = await r.repos.runs.start({ tenantId: a.tenantId, messageId: id, workflowId: null, attempt: 1, inputs: { query: 'q' } });
      await r.repos.runs.fail(failedRun, { errorCode: 'workflow_timeout', error: 'no answer in 120 s' });
      const runId = await addRun(r, a.tenantId, id, { tokens: [12, 30, 42], price: '0.0042', latencyMs: 1500 });
      const delivery = await r.repos.deliveries.start({ tenantId: a.tenantId, messageId: id, runId, kind: 'reply' });
      await r.repos.deliveries.markSent(delivery, { platformMessageId: 'sent-1', ref: { x: 1 } });

      const res = await operator.get(`${API}/tenants/${a.tenantId}/messages/${id}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.etag).toMatch(/^"[0-9a-z]+"$/);
      const m = res.json;
      expect(m).toMatchObject({
        id,
        status: 'replied',
        normalized: { conversation: { id: 'chat', type: 'group' }, mentionsBot: true, attachments: [{ kind: 'image', name: 'p.png', mime: 'image/png', size: 10 }] },
        answer: 'the answer',
        files: [{ name: 'a.png', mime: 'image/png', url: 'https://files.example.com/a.png' }],
        tokens: { prompt: 12, completion: 30, total: 42 },
        cost: { amount: '0.0042', currency: 'USD' },
        latency: { queuedMs: 250, workflowMs: 1500, totalMs: 4000 },
        conversation: { id: a.conversationId, workflowConversationId: 'dify-conv-1' },
      });
      expect(m.latency.deliveryMs).toBeGreaterThanOrEqual(0);
      expect(m.runs.map((run: { status: string; inputs: unknown }) => [run.status, run.inputs])).toEqual([
        ['failed', { query: 'q' }],
        ['succeeded', { query: 'q', user: 'alice' }],
      ]);
      expect(m.deliveries).toMatchObject([{ runId, kind: 'reply', status: 'sent', platformMessageId: 'sent-1' }]);
      expect(m.errors).toEqual([{ source: 'run', id: failedRun, code: 'workflow_timeout', message: 'no answer in 120 s' }]);
      // The reply target may carry a platform's reply credentials; an attachment's download reference stays inside.
      expect(res.text).not.toContain('reply-credential');
      expect(res.text).not.toContain('media-ref-123');
      // Another tenant's message is not found.
      const foreign = await addMessage(r, b, { status: 'failed' });
      expect((await operator.get(`${API}/tenants/${a.tenantId}/messages/${foreign}`)).status).toBe(404);
    });

    it('replay sends a dead letter back with a fresh budget; a second replay changes nothing; a replied message is refused', async () => {
      const r = server.runtime;
      const id = await addMessage(r, a, { status: 'failed' });
      const etag = (await operator.get(`${API}/tenants/${a.tenantId}/messages/${id}`)).headers.etag as string;
      // A stale version is refused before anything changes.
      expect((await operator.post(`${API}/tenants/${a.tenantId}/messages/${id}/replay`, undefined, { headers: { 'if-match': '"1"' } })).status).toBe(412);
      expect(enqueued).not.toContain(id);

      const res = await operator.post(`${API}/tenants/${a.tenantId}/messages/${id}/replay`, undefined, { headers: { 'if-match': etag } });
      expect(res.status, res.text).toBe(200);
      expect(res.json).toEqual({ id, outcome: 'replayed' });
      const row = await r.database.db.message.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: 'queued', attempts: 0, firstAttemptAt: null, finishedAt: null, errorCode: null, lastError: null });
      expect(enqueued.filter((x) => x === id)).toHaveLength(1);
      const audit = await r.database.db.auditLog.findFirst({ where: { action: 'message.replayed', targetId: id } });
      expect(audit?.tenantId).toBe(a.tenantId);

      const again = await operator.post(`${API}/tenants/${a.tenantId}/messages/${id}/replay`);
      expect(again.json).toEqual({ id, outcome: 'already_queued' });
      expect((await r.database.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('queued');

      const replied = await addMessage(r, a, { status: 'replied' });
      const refused = await operator.post(`${API}/tenants/${a.tenantId}/messages/${replied}/replay`);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('already_replied');
      expect((await r.database.db.message.findUniqueOrThrow({ where: { id: replied } })).status).toBe('replied');
      const ignored = await addMessage(r, a, { status: 'ignored' });
      expect((await operator.post(`${API}/tenants/${a.tenantId}/messages/${ignored}/replay`)).json.error.code).toBe('not_replayable');
      expect(enqueued).not.toContain(replied);
    });

    it('bulk replay answers an outcome per message and never touches another tenant', async () => {
      const r = server.runtime;
      const [f1, f2, replied, foreign] = [
        await addMessage(r, a, { status: 'failed' }),
        await addMessage(r, a, { status: 'failed' }),
        await addMessage(r, a, { status: 'replied' }),
        await addMessage(r, b, { status: 'failed' }),
      ];
      const res = await operator.post(`${API}/tenants/${a.tenantId}/messages/replay`, { messageIds: [f1, f2, replied, foreign, 'missing', f1] });
      expect(res.status, res.text).toBe(200);
      expect(res.json.results).toEqual([
        { id: f1, outcome: 'replayed' },
        { id: f2, outcome: 'replayed' },
        { id: replied, outcome: 'already_replied' },
        { id: foreign, outcome: 'not_found' },
        { id: 'missing', outcome: 'not_found' },
      ]);
      expect((await r.database.db.message.findUniqueOrThrow({ where: { id: foreign } })).status).toBe('failed');
      expect(enqueued).not.toContain(foreign);
      const second = await operator.post(`${API}/tenants/${a.tenantId}/messages/replay`, { messageIds: [f1, f2] });
      expect(second.json.results.map((x: { outcome: string }) => x.outcome)).toEqual(['already_queued', 'already_queued']);
      expect((await operator.post(`${API}/tenants/${a.tenantId}/messages/replay`, { messageIds: Array.from({ length: 101 }, (_, i) => `m${i}`) })).status).toBe(422);
    });

    it('resets a conversation (If-Match guarded): the workflow conversation is forgotten', async () => {
      const path = `${API}/tenants/${a.tenantId}/conversations/${a.conversationId}`;
      const read = await operator.get(path);
      expect(read.json.workflowConversationId).toBe('dify-conv-1');
      const etag = read.headers.etag as string;
      const reset = await operator.post(`${path}/reset`, undefined, { headers: { 'if-match': etag } });
      expect(reset.status, reset.text).toBe(200);
      expect(reset.json.workflowConversationId).toBeNull();
      expect(reset.headers.etag).not.toBe(etag);
      const row = await server.runtime.database.db.conversation.findUniqueOrThrow({ where: { id: a.conversationId } });
      expect(row.workflowConversationId).toBeNull();
      // The version it was read at is gone: a second reset with it is refused.
      expect((await operator.post(`${path}/reset`, undefined, { headers: { 'if-match': etag } })).status).toBe(412);
      expect(await server.runtime.database.db.auditLog.count({ where: { action: 'conversation.reset', targetId: a.conversationId } })).toBe(1);
      expect((await operator.post(`${API}/tenants/${a.tenantId}/conversations/${b.conversationId}/reset`)).status).toBe(404);
    });
  });

  describe('usage', () => {
    it('per bot and day: messages, failures, p50/p95 latency, tokens and cost as computed by hand', async () => {
      const r = server.runtime;
      const at = (day: string, hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);
      // Bot one, day 1: five replied messages (latencies 100, 200, 300, 400, 1000 ms), one failed.
      const latencies = [400, 100, 1000, 300, 200];
      const replied: string[] = [];
      for (const [i, ms] of latencies.entries()) replied.push(await addMessage(r, a, { status: 'replied', receivedAt: at(DAY1, i + 1), finishedAfterMs: ms }));
      await addMessage(r, a, { status: 'failed', receivedAt: at(DAY1, 9), finishedAfterMs: 99_999 });
      await addRun(r, a.tenantId, replied[0] as string, { tokens: [10, 20, 30], price: '0.0015', latencyMs: 80 });
      await addRun(r, a.tenantId, replied[1] as string, { tokens: [5, 5, 10], price: '0.0005', latencyMs: 60 });
      // Bot one, day 2 (the last hour of the day): one replied message, 50 ms.
      await addMessage(r, a, { status: 'replied', receivedAt: new Date(`${DAY2}T23:59:59.000Z`), finishedAfterMs: 50 });
      // Bot two, day 1: one failed message, no runs.
      await addMessage(r, a, { botId: a.otherBotId, status: 'failed', receivedAt: at(DAY1, 3) });
      // Outside the range, and another tenant: not counted.
      await addMessage(r, a, { status: 'replied', receivedAt: new Date('2026-03-12T00:00:00.000Z'), finishedAfterMs: 5 });
      await addMessage(r, a, { status: 'replied', receivedAt: new Date('2026-03-09T23:59:59.999Z'), finishedAfterMs: 5 });
      await addMessage(r, b, { status: 'replied', receivedAt: at(DAY1, 2), finishedAfterMs: 5 });

      const res = await operator.get(`${API}/tenants/${a.tenantId}/usage?from=${DAY1}&to=${DAY2}`);
      expect(res.status, res.text).toBe(200);
      const zero = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: '0', currency: null };
      expect(res.json.items).toEqual(
        [
          // p50 of 100..1000 = 300; p95: rank 0.95·4 = 3.8 → 400 + 0.8·(1000 − 400) = 880.
          { botId: a.botId, day: DAY1, messages: 6, failures: 1, p50LatencyMs: 300, p95LatencyMs: 880, promptTokens: 15, completionTokens: 25, totalTokens: 40, cost: '0.002', currency: 'USD' },
          { botId: a.otherBotId, day: DAY1, messages: 1, failures: 1, p50LatencyMs: null, p95LatencyMs: null, ...zero },
          { botId: a.botId, day: DAY2, messages: 1, failures: 0, p50LatencyMs: 50, p95LatencyMs: 50, ...zero },
        ].sort((x, y) => (x.day === y.day ? (x.botId < y.botId ? -1 : 1) : x.day < y.day ? -1 : 1)),
      );
      const oneBot = await operator.get(`${API}/tenants/${a.tenantId}/usage?from=${DAY1}&to=${DAY1}&botId=${a.otherBotId}`);
      expect(oneBot.json.items).toEqual([{ botId: a.otherBotId, day: DAY1, messages: 1, failures: 1, p50LatencyMs: null, p95LatencyMs: null, ...zero }]);
      expect((await operator.get(`${API}/tenants/${a.tenantId}/usage?from=${DAY2}&to=${DAY1}`)).status).toBe(422);
      expect((await operator.get(`${API}/tenants/${b.tenantId}/usage?from=${DAY1}&to=${DAY2}`)).status).toBe(404);
    });
  });
});
