import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AppConfigurationError, StreamError, ValidationError, WorkflowError } from '../../../src/workflow-client/errors.js';
import type { WorkflowResult } from '../../../src/workflow-client/types.js';
import { FakeDify, type FakeAppMode } from '../../fakes/fake-dify.js';
import { CONTEXT, clientFor, request } from './helpers.js';

let fake: FakeDify;
beforeAll(async () => {
  fake = await FakeDify.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.options = {};
});

const cases: Array<{ mode: FakeAppMode; kind: 'dify_chat' | 'dify_workflow' | 'dify_completion' }> = [
  { mode: 'chat', kind: 'dify_chat' },
  { mode: 'advanced-chat', kind: 'dify_chat' },
  { mode: 'agent-chat', kind: 'dify_chat' },
  { mode: 'workflow', kind: 'dify_workflow' },
  { mode: 'completion', kind: 'dify_completion' },
];

describe.each(cases)('$mode app', ({ mode, kind }) => {
  beforeEach(() => {
    fake.mode = mode;
  });

  test('streaming: deltas reach onText in order and the result carries answer, usage and ids', async () => {
    const deltas: string[] = [];
    const result = await clientFor(fake, kind).run(request('what is up'), { onText: (d) => deltas.push(d) });
    expect(result.answer).toBe('Echo: what is up');
    expect(deltas.join('')).toBe('Echo: what is up');
    expect(deltas.length).toBeGreaterThan(1);
    expect(result.providerIds.taskId).toBe(fake.runRequests()[0]?.taskId);
    expect(result.usage?.totalTokens).toBe(20);
    if (kind === 'dify_workflow') {
      expect(result.providerIds.workflowRunId).toBeTruthy();
      expect(result.usage?.totalPrice).toBeUndefined();
    } else {
      expect(result.usage).toMatchObject({ promptTokens: 12, completionTokens: 8, totalPrice: '0.0000280', currency: 'USD' });
      expect(result.providerIds.messageId).toBeTruthy();
    }
    if (kind === 'dify_chat') expect(result.conversationId).toBe([...fake.conversations.keys()][0]);
    else expect(result.conversationId).toBeUndefined();
    expect(result.unknownEvents).toBe(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const body = fake.runRequests()[0]?.body as Record<string, unknown>;
    expect(body.response_mode).toBe('streaming');
    expect(body.user).toBe('slack:U123');
  });

  test('blocking (agent apps stream anyway)', async () => {
    const result = await clientFor(fake, kind, { responseMode: 'blocking' }).run(request('blocking please'));
    expect(result.answer).toBe('Echo: blocking please');
    const runs = fake.runRequests();
    expect(runs).toHaveLength(1);
    expect((runs[0]?.body as Record<string, unknown>).response_mode).toBe(mode === 'agent-chat' ? 'streaming' : 'blocking');
    expect(result.usage?.totalTokens).toBe(20);
    if (kind === 'dify_chat') expect(result.conversationId).toBeTruthy();
  });
});

describe('request shapes', () => {
  test('completion and workflow apps get the query in inputs.query; chat apps in query', async () => {
    fake.mode = 'completion';
    await clientFor(fake, 'dify_completion').run(request('complete me'));
    expect((fake.runRequests()[0]?.body as { inputs: Record<string, unknown> }).inputs.query).toBe('complete me');
    fake.reset();
    fake.mode = 'chat';
    await clientFor(fake, 'dify_chat').run(request('chat me'));
    const body = fake.runRequests()[0]?.body as Record<string, unknown>;
    expect(body.query).toBe('chat me');
    expect(body.inputs).toEqual({});
  });

  test('the input mapping is rendered from the context; explicit inputs win; numbers converted', async () => {
    fake.mode = 'workflow';
    fake.options = {
      userInputForm: [
        { 'text-input': { label: 'Customer', variable: 'customer', required: true } },
        { number: { label: 'Limit', variable: 'limit', required: false } },
        { select: { label: 'Tone', variable: 'tone', required: false, options: ['formal', 'casual'] } },
      ],
    };
    const client = clientFor(fake, 'dify_workflow', { inputMapping: { customer: '{{sender.name}} ({{sender.id}})', tone: 'formal' } });
    await client.run(request('q', { context: CONTEXT, inputs: { limit: '7' } }));
    const inputs = (fake.runRequests()[0]?.body as { inputs: Record<string, unknown> }).inputs;
    expect(inputs).toMatchObject({ customer: 'Ada (U123)', tone: 'formal', limit: 7 });
  });

  test('a required input without a value fails before any run call, naming the input', async () => {
    fake.mode = 'workflow';
    fake.options = { userInputForm: [{ 'text-input': { label: 'Customer', variable: 'customer', required: true } }] };
    const err = await clientFor(fake, 'dify_workflow').run(request('q')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('"customer"');
    expect((err as ValidationError).retryable).toBe(false);
    expect(fake.runRequests()).toHaveLength(0);
  });

  test('a select value outside its options is refused', async () => {
    fake.mode = 'chat';
    fake.options = { userInputForm: [{ select: { label: 'Tone', variable: 'tone', required: true, options: ['formal', 'casual'] } }] };
    const err = await clientFor(fake, 'dify_chat').run(request('q', { inputs: { tone: 'rude' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain('"formal", "casual"');
  });

  test('the trace id travels as X-Trace-Id', async () => {
    await clientFor(fake, 'dify_chat').run(request('q', { traceId: 'trace-123' }));
    expect(fake.runRequests()[0]?.headers['x-trace-id']).toBe('trace-123');
  });
});

describe('workflow answers and files', () => {
  beforeEach(() => {
    fake.mode = 'workflow';
  });

  test('outputSelector picks the output; other outputs are ignored; a differing final answer replaces the stream', async () => {
    fake.next({ outputs: { summary: 'The summary', debug: 'noise' } });
    const replaced: string[] = [];
    const result = await clientFor(fake, 'dify_workflow', { outputSelector: 'summary' }).run(request('q'), {
      onText: () => undefined,
      onReplace: (t) => replaced.push(t),
    });
    expect(result.answer).toBe('The summary');
    expect(replaced).toEqual(['The summary']);
  });

  test('without a selector: the single string output, else text/answer/result', async () => {
    fake.next({ outputs: { only: 'single string' } }, { outputs: { result: 'from result', count: 3, other: 'x' } });
    const client = clientFor(fake, 'dify_workflow', { responseMode: 'blocking' });
    expect((await client.run(request('a'))).answer).toBe('single string');
    expect((await client.run(request('b'))).answer).toBe('from result');
  });

  test("file outputs become reply files with absolute URLs; only Dify's own links count as hosted by the workflow", async () => {
    const file = { dify_model_identity: '__dify__file__', type: 'image', transfer_method: 'tool_file', filename: 'chart.png', mime_type: 'image/png', url: '/files/tools/abc.png?sign=1' };
    const remote = { dify_model_identity: '__dify__file__', type: 'document', transfer_method: 'remote_url', filename: 'spec.pdf', remote_url: 'http://10.0.0.8/spec.pdf' };
    fake.next({ outputs: { text: 'see chart', chart: file, spec: remote } }, { outputs: { text: 'see charts', charts: [file, remote] } });
    const streaming = await clientFor(fake, 'dify_workflow').run(request('a'));
    const blocking = await clientFor(fake, 'dify_workflow', { responseMode: 'blocking' }).run(request('b'));
    for (const result of [streaming, blocking]) {
      expect(result.files).toEqual([
        { name: 'chart.png', mime: 'image/png', kind: 'image', url: `http://127.0.0.1:${fake.port}/files/tools/abc.png?sign=1`, hostedByWorkflow: true },
        { name: 'spec.pdf', kind: 'file', url: 'http://10.0.0.8/spec.pdf', hostedByWorkflow: false },
      ]);
    }
    expect(streaming.answer).toBe('see chart');
  });

  test('a failed workflow run is a permanent StreamError', async () => {
    fake.next({ workflowStatus: 'failed' }, { workflowStatus: 'failed' });
    for (const responseMode of ['streaming', 'blocking'] as const) {
      const err = await clientFor(fake, 'dify_workflow', { responseMode }).run(request(`fail ${responseMode}`)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamError);
      expect((err as StreamError).remoteCode).toBe('workflow_failed');
      expect((err as StreamError).retryable).toBe(false);
    }
    expect(fake.runRequests()).toHaveLength(2);
  });
});

describe('stream events', () => {
  beforeEach(() => {
    fake.mode = 'chat';
  });

  test('message_file events become reply files', async () => {
    fake.next({ messageFiles: [{ url: 'https://cdn.example/img/cat.png', type: 'image' }] });
    const result = await clientFor(fake, 'dify_chat').run(request('draw a cat'));
    expect(result.files).toEqual([{ name: 'cat.png', url: 'https://cdn.example/img/cat.png', kind: 'image', hostedByWorkflow: false }]);
  });

  test('unknown events are ignored and counted', async () => {
    fake.next({ unknownEvents: 3 });
    const result = await clientFor(fake, 'dify_chat').run(request('new dify'));
    expect(result.answer).toBe('Echo: new dify');
    expect(result.unknownEvents).toBe(3);
  });

  test('message_replace replaces the answer and reaches onReplace', async () => {
    fake.next({ replaceWith: 'This content was moderated.' });
    const replaced: string[] = [];
    const result = await clientFor(fake, 'dify_chat').run(request('bad words'), { onText: () => undefined, onReplace: (t) => replaced.push(t) });
    expect(result.answer).toBe('This content was moderated.');
    expect(replaced).toEqual(['This content was moderated.']);
  });

  test('an error event is classified like the same code over HTTP: provider_quota_exceeded is a configuration error, not retried', async () => {
    fake.next({ errorEventAfter: 0, errorEvent: { status: 400, code: 'provider_quota_exceeded', message: 'quota' } });
    const err = await clientFor(fake, 'dify_chat').run(request('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppConfigurationError);
    expect(err).toMatchObject({ remoteCode: 'provider_quota_exceeded', retryable: false });
    expect(fake.runRequests()).toHaveLength(1);
  });

  test('a 5xx error event before any text is retried', async () => {
    fake.next({ errorEventAfter: 0 });
    const result = await clientFor(fake, 'dify_chat').run(request('flaky'));
    expect(result.answer).toBe('Echo: flaky');
    expect(fake.runRequests()).toHaveLength(2);
  });

  test('human input pauses the run gracefully (stream closed or left open)', async () => {
    for (const [mode, kind] of [['workflow', 'dify_workflow'], ['advanced-chat', 'dify_chat']] as const) {
      fake.reset();
      fake.mode = mode;
      fake.next({ humanInput: true }, { humanInput: { keepOpen: true } });
      const client = clientFor(fake, kind);
      for (const query of ['approve me', 'approve me too']) {
        const started = Date.now();
        const result: WorkflowResult = await client.run(request(query));
        expect(Date.now() - started).toBeLessThan(900); // did not wait for the idle timeout
        expect(result.humanInput).toMatchObject({ nodeId: 'human_1', taskId: fake.runRequests().at(-1)?.taskId });
        expect(result.humanInput?.workflowRunId).toBeTruthy();
        expect(result.humanInput?.form).toMatchObject({ form_id: 'form-1', form_token: 'tok-1' });
      }
      expect(fake.runRequests()).toHaveLength(2);
    }
  });

  test('pings are not unknown events', async () => {
    fake.next({ pingsBefore: 2, pingEvery: 1 });
    const result = await clientFor(fake, 'dify_chat').run(request('ping me'));
    expect(result.unknownEvents).toBe(0);
  });

  test('errors are WorkflowErrors and never contain the API key', async () => {
    fake.next({ status: 400, errorCode: 'invalid_param', errorMessage: 'bad' });
    const err = await clientFor(fake, 'dify_chat').run(request('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowError);
    expect(JSON.stringify(err)).not.toContain(fake.apiKey);
    expect(String((err as Error).stack)).not.toContain(fake.apiKey);
  });
});
