import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, type WebHandle } from '../../../src/main.js';
import { newId } from '../../../src/store/ids.js';
import { createTestRuntime, seedBot, type TestRuntime } from '../../support/runtime.js';

const TOKEN = 'metrics-token-0123456789';

describe('/metrics: Prometheus conventions, backlog gauges, optional bearer token', () => {
  let t: TestRuntime;
  let web: WebHandle;

  beforeAll(async () => {
    t = await createTestRuntime({ database: 'sqlite', env: { METRICS_TOKEN: TOKEN } });
    web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await web?.close();
    await t?.dispose();
  });

  it('answers 401 without the token or with a wrong one, and never names the token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0000000000' }, { authorization: TOKEN }]) {
      const res = await fetch(`${web.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'unauthorized', message: 'unauthorized' } });
    }
  });

  it('with the token: durations in seconds, and the backlog read from the database', async () => {
    const { tenantId, botId } = await seedBot(t.runtime);
    const db = t.runtime.database.db;
    const base = { tenantId, botId, platform: 'wecom', conversationKey: 'k', senderId: 'u', text: 'x', payload: {}, receivedAt: new Date() };
    await db.message.createMany({
      data: [
        { ...base, id: newId(), platformMessageId: 'm1', status: 'queued' },
        { ...base, id: newId(), platformMessageId: 'm2', status: 'queued' },
        { ...base, id: newId(), platformMessageId: 'm3', status: 'awaiting_approval' },
        { ...base, id: newId(), platformMessageId: 'm4', status: 'failed', finishedAt: new Date() },
        { ...base, id: newId(), platformMessageId: 'm5', status: 'failed', finishedAt: new Date(Date.now() - 2 * 3_600_000) },
        { ...base, id: newId(), platformMessageId: 'm6', status: 'replied', finishedAt: new Date() },
      ],
    });
    const res = await fetch(`${web.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const gauge = (state: string) => Number(new RegExp(`^switchboard_messages_backlog\\{state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(gauge('queued')).toBe(2);
    expect(gauge('running')).toBe(0);
    expect(gauge('awaiting_approval')).toBe(1);
    expect(gauge('failed_last_hour')).toBe(1);
    expect(text).toContain('# TYPE switchboard_ingress_duration_seconds histogram');
    expect(text).toContain('# TYPE switchboard_pipeline_duration_seconds histogram');
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE switchboard_') && /_ms /.test(l))).toEqual([]);
  });
});
