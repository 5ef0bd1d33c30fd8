/**
 * The fake Dify used by the other tests speaks the shapes of Dify's own examples (test/fixtures/dify): every event
 * and body it sends is held to the shape inferred from the examples of the same kind, and it must be able to send
 * every kind the examples show. When either side changes, this test says where they part.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeDify, type FakeAppMode, type ScriptStep } from '../../fakes/fake-dify.js';
import { allDifyFixtures, difyJsonFixture, sseEvents, type DifyFixture } from '../../fixtures/dify/index.js';
import { addSample, emptyShape, shapeProblems, type Shape, type ShapeRegistry } from '../../fixtures/dify/shapes.js';

type Family = 'chat' | 'completion' | 'workflow';

function familyOfFixture(name: string): Family {
  if (/\/workflow-/.test(name)) return 'workflow';
  if (/\/completion-/.test(name)) return 'completion';
  return 'chat';
}

function blockingVariant(body: Record<string, unknown>): string {
  if (typeof body.event === 'string') return body.event;
  const data = (body.data ?? {}) as Record<string, unknown>;
  return data.status === 'paused' ? 'paused' : 'finished';
}

/** The group a sample belongs to: stream events by family and event name, blocking bodies by variant, errors. */
function groupsOf(fixture: DifyFixture): Array<[string, unknown]> {
  if (fixture.name.startsWith('openapi/errors/')) return [['error body', (fixture as { body: unknown }).body]];
  const family = familyOfFixture(fixture.name);
  if (fixture.kind === 'sse') return fixture.events.map((e) => [`${family} stream ${String(e.event)}`, e]);
  if (/\/(info|parameters)$/.test(fixture.name)) return [[fixture.name.replace('openapi/', ''), fixture.body]];
  return [[`${family} blocking ${blockingVariant(fixture.body as Record<string, unknown>)}`, fixture.body]];
}

const expected = new Map<string, Shape>();
const shared: ShapeRegistry = new Map();
for (const fixture of allDifyFixtures()) {
  for (const [group, sample] of groupsOf(fixture)) expected.set(group, addSample(expected.get(group) ?? emptyShape(), sample, shared));
}

/** Events the fake may send that Dify documents without an example body (only when a test scripts them). */
const WITHOUT_EXAMPLE = new Set(['chat stream message_replace', 'chat stream error', 'workflow stream error', 'completion stream error']);

let fake: FakeDify;
beforeAll(async () => {
  fake = await FakeDify.start();
});
afterAll(async () => {
  await fake.close();
});

const FAMILY_OF_MODE: Record<FakeAppMode, Family> = { chat: 'chat', 'advanced-chat': 'chat', 'agent-chat': 'chat', agent: 'chat', completion: 'completion', workflow: 'workflow' };
const PATH_OF_FAMILY: Record<Family, string> = { chat: '/chat-messages', completion: '/completion-messages', workflow: '/workflows/run' };

interface Scenario {
  mode: FakeAppMode;
  streaming: boolean;
  step?: ScriptStep;
  conversationId?: string;
}

async function call(s: Scenario): Promise<Array<[string, unknown]>> {
  fake.mode = s.mode;
  if (s.step) fake.next(s.step);
  const family = FAMILY_OF_MODE[s.mode];
  const body: Record<string, unknown> = { inputs: { query: 'shape check' }, query: 'shape check', user: 'shape-user', response_mode: s.streaming ? 'streaming' : 'blocking' };
  if (s.conversationId) body.conversation_id = s.conversationId;
  const res = await fetch(fake.url + PATH_OF_FAMILY[family], { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) return [['error body', JSON.parse(text)]];
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return sseEvents(text)
      .filter((e) => !String(e.event).startsWith('future_event_'))
      .map((e) => [`${family} stream ${String(e.event)}`, e]);
  }
  return [[`${family} blocking ${blockingVariant(JSON.parse(text) as Record<string, unknown>)}`, JSON.parse(text)]];
}

const pause = (forms: number): ScriptStep => ({ humanInput: { forms } });
const SCENARIOS: Scenario[] = [
  ...(['chat', 'advanced-chat', 'completion', 'workflow'] as const).flatMap((mode) => [
    { mode, streaming: true },
    { mode, streaming: false },
  ]),
  { mode: 'agent-chat', streaming: true, step: { messageFiles: [{ url: 'https://example.com/cat.png' }] } },
  { mode: 'agent', streaming: true, step: { messageFiles: [{ url: 'https://example.com/cat.png' }] } },
  { mode: 'chat', streaming: true, step: { messageFiles: [{ url: 'https://example.com/cat.png' }] } },
  { mode: 'advanced-chat', streaming: true, step: { reasoning: ['Let me think', ''] } },
  { mode: 'workflow', streaming: true, step: { reasoning: ['Let me think', ''] } },
  ...(['advanced-chat', 'workflow'] as const).flatMap((mode) => [1, 2].flatMap((forms) => [
    { mode, streaming: true, step: pause(forms) },
    { mode, streaming: false, step: pause(forms) },
  ])),
  { mode: 'agent', streaming: true, step: pause(1) },
  { mode: 'agent', streaming: false },
  { mode: 'chat', streaming: true, step: { status: 429 } },
  { mode: 'workflow', streaming: false, step: { status: 429, errorCode: 'rate_limit_error', errorMessage: 'Rate Limit Error' } },
  { mode: 'chat', streaming: true, conversationId: 'no-such-conversation' },
  { mode: 'chat', streaming: true, step: { conversationCompleted: true } },
  { mode: 'chat', streaming: true, step: { errorEventAfter: 0, errorEvent: { status: 400, code: 'provider_quota_exceeded', message: 'quota' } } },
];

describe('the fake Dify speaks the shapes of Dify’s own examples', () => {
  test('every event and body it sends conforms to the examples of its kind', async () => {
    const problems: string[] = [];
    const produced = new Set<string>();
    for (const scenario of SCENARIOS) {
      for (const [group, sample] of await call(scenario)) {
        produced.add(group);
        const label = `${scenario.mode}${scenario.streaming ? ' streaming' : ' blocking'}${scenario.step ? ` ${JSON.stringify(scenario.step)}` : ''}: ${group}`;
        const shape = expected.get(group);
        if (!shape) {
          if (!WITHOUT_EXAMPLE.has(group)) problems.push(`${label}: no Dify example shows this`);
          continue;
        }
        problems.push(...shapeProblems(shape, sample).map((p) => `${label}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
    const notProduced = [...expected.keys()].filter((g) => !produced.has(g) && g !== 'info' && g !== 'parameters');
    expect(notProduced, 'kinds of answer the examples show that the fake cannot produce').toEqual([]);
  });

  test('GET /info and /parameters have the examples’ shapes', async () => {
    const get = async (path: string) => (await fetch(fake.url + path, { headers: { Authorization: `Bearer ${fake.apiKey}` } })).json() as Promise<Record<string, unknown>>;
    expect(shapeProblems(expected.get('info')!, await get('/info'))).toEqual([]);
    // The docs' parameters example shows only the legacy `file_upload.image` block; the newer keys the fake also
    // sends are those of Dify's FileUploadObject (langgenius/dify api/fields, Parameters.file_upload).
    const { file_upload: fileUpload, ...parameters } = await get('/parameters');
    const { file_upload: _exampleUpload, ...example } = difyJsonFixture('openapi/parameters').body as Record<string, unknown>;
    expect(shapeProblems(addSample(emptyShape(), example, new Map()), parameters)).toEqual([]);
    const FILE_UPLOAD_KEYS = ['enabled', 'number_limits', 'allowed_file_types', 'allowed_file_extensions', 'allowed_file_upload_methods', 'image'];
    expect(Object.keys(fileUpload as object).filter((k) => !FILE_UPLOAD_KEYS.includes(k))).toEqual([]);
  });

  test('the comparison itself catches a drifted field', () => {
    const shape = expected.get('chat stream message')!;
    expect(shapeProblems(shape, { event: 'message', task_id: 't', message_id: 'm', conversation_id: 'c', answer: 'x', created_at: 1 })).toEqual([]);
    expect(shapeProblems(shape, { event: 'message', task_id: 't', message_id: 'm', conversation_id: 'c', text: 'x', created_at: 1 })).toEqual([
      '$.answer: missing (every example has it)',
      '$.text: no example has this key',
    ]);
    expect(shapeProblems(shape, { event: 'message', task_id: 't', message_id: 'm', conversation_id: 'c', answer: 3, created_at: 1 })).toEqual(['$.answer: number, the examples have string']);
  });
});
