import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { conversationRestartNotice } from '../../../src/pipeline/workflow-gateway.js';
import { createWorkflowGateway } from '../../../src/pipeline/workflow-gateway-default.js';
import { FakeDify } from '../../fakes/fake-dify.js';
import { configFor, request } from '../workflow-client/helpers.js';

let fake: FakeDify;
beforeAll(async () => {
  fake = await FakeDify.start({ mode: 'chat' });
});
afterAll(async () => {
  await fake.close();
});

async function unknownEventCounts(metrics: ReturnType<typeof createMetrics>): Promise<Record<string, number>> {
  const { values } = await metrics.workflowUnknownEvents.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.kind}/${v.labels.event}`, v.value]));
}

describe('the production workflow gateway', () => {
  test('an unknown stream event is ignored and counted in a metric, by kind and event name', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const gateway = createWorkflowGateway({ logger: silentLogger, metrics });
    fake.next({ unknownEvents: 2 });
    const result = await gateway.client(configFor(fake, 'dify_chat')).run(request('anything new?'));
    expect(result.answer).toBe('Echo: anything new?');
    expect(result.unknownEvents).toBe(2);
    expect(await unknownEventCounts(metrics)).toEqual({ 'dify_chat/future_event_0': 1, 'dify_chat/future_event_1': 1 });
  });

  test('event names from the remote cannot blow up the metric: bounded charset, length and count', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const gateway = createWorkflowGateway({ logger: silentLogger, metrics });
    fake.next({ unknownEvents: 60 });
    await gateway.client(configFor(fake, 'dify_chat')).run(request('many new events'));
    const counts = await unknownEventCounts(metrics);
    expect(Object.keys(counts)).toHaveLength(51); // 50 names, then `other`
    expect(counts['dify_chat/other']).toBe(10);
  });

  test('the notice for a restarted conversation says why', () => {
    expect(conversationRestartNotice('completed')).toMatch(/had ended/);
    expect(conversationRestartNotice('not_found')).toMatch(/could no longer be found/);
  });
});
