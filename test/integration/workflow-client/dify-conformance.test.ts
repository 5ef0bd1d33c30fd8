/**
 * The workflow client against Dify's own published examples (test/fixtures/dify), replayed byte for byte from a
 * server on 127.0.0.1 and read through the public factory: every app mode, blocking and streaming, Human Input
 * pauses with one and two forms, every documented error body over HTTP and inside a stream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { retryHintOf } from '../../../src/errors.js';
import {
  AppConfigurationError,
  AppModeMismatchError,
  ConversationNotFoundError,
  FileRefusedError,
  RateLimitError,
  UpstreamError,
  ValidationError,
  WorkflowError,
  createWorkflowClient,
  type RunOptions,
  type WorkflowConfig,
  type WorkflowKind,
  type WorkflowRequest,
  type WorkflowResult,
} from '../../../src/workflow-client/index.js';
import { DifyReplay, type ReplayAnswer } from '../../fakes/dify-replay.js';
import { allDifyFixtures, difyFixture, difyFixturesIn, type DifyJsonFixture } from '../../fixtures/dify/index.js';
import { configFor, testDeps } from './helpers.js';

let replay: DifyReplay;
beforeAll(async () => {
  replay = await DifyReplay.start();
});
afterAll(async () => {
  await replay.close();
});
beforeEach(() => {
  replay.reset();
});

/** A client of the public factory for the replay server. */
function client(kind: Exclude<WorkflowKind, 'http'>, overrides: Partial<WorkflowConfig> = {}) {
  return createWorkflowClient(configFor(replay, kind, overrides), testDeps());
}

/** The docs' /parameters example requires the input `city`. */
const request = (query = 'hello', extra: Partial<WorkflowRequest> = {}): WorkflowRequest => ({ query, inputs: { city: 'San Francisco' }, user: 'slack:U1', ...extra });
const RUN_PATH = { dify_chat: '/chat-messages', dify_completion: '/completion-messages', dify_workflow: '/workflows/run' } as const;

async function runFixture(
  mode: string | undefined,
  kind: Exclude<WorkflowKind, 'http'>,
  answers: ReplayAnswer[],
  config: Partial<WorkflowConfig> = {},
  req: WorkflowRequest = request(),
): Promise<{ result: WorkflowResult; texts: string[]; replaced: string[]; reasoning: string[] }> {
  replay.mode = mode;
  replay.answer(RUN_PATH[kind], ...answers);
  const texts: string[] = [];
  const replaced: string[] = [];
  const reasoning: string[] = [];
  const opts: RunOptions & { onReasoning?: (delta: string) => void } = {
    onText: (t) => texts.push(t),
    onReplace: (t) => replaced.push(t),
    onReasoning: (t: string) => reasoning.push(t),
  };
  const result = await client(kind, config).run(req, opts);
  return { result, texts, replaced, reasoning };
}

const lastRunBody = () => replay.runRequests().at(-1)?.body as Record<string, unknown>;

describe('chat apps (chat, agent-chat)', () => {
  test('blocking: answer, conversation, ids and the full usage block', async () => {
    const { result } = await runFixture('chat', 'dify_chat', [difyFixture('openapi/chat-blocking')], { responseMode: 'blocking' });
    expect(result.answer).toBe('iPhone 13 Pro Max specs are listed here:...');
    expect(result.conversationId).toBe('45701982-8118-4bc5-8e9b-64562b4555f2');
    expect(result.providerIds).toEqual({ taskId: 'c3800678-a077-43df-a102-53f23ed20b88', messageId: '9da23599-e713-473b-982c-4328d4f5c78a' });
    expect(result.usage).toEqual({ promptTokens: 1033, completionTokens: 128, totalTokens: 1161, totalPrice: '0.0012890', currency: 'USD' });
    expect(result.humanInput).toBeUndefined();
    expect(lastRunBody().response_mode).toBe('blocking');
  });

  test('streaming: a usage block without the prompt/completion breakdown leaves them unknown, not 0', async () => {
    const { result, texts } = await runFixture('chat', 'dify_chat', [difyFixture('openapi/chat-streaming')]);
    expect(result.answer).toBe(' I');
    expect(texts).toEqual([' I']);
    expect(result.usage?.totalTokens).toBe(10);
    expect(result.usage?.promptTokens).toBeUndefined();
    expect(result.usage?.completionTokens).toBeUndefined();
    expect(result.unknownEvents).toBe(0);
  });

  test('agent-chat streams even when the binding says blocking; files come back', async () => {
    const { result } = await runFixture('agent-chat', 'dify_chat', [difyFixture('openapi/agent-chat-streaming')], { responseMode: 'blocking' });
    expect(lastRunBody().response_mode).toBe('streaming');
    expect(result.answer).toBe('Here is the image: ');
    expect(result.files).toEqual([{ name: 'cat.png', url: 'https://example.com/cat.png', kind: 'image', hostedByWorkflow: false }]);
    expect(result.conversationId).toBe('conv123');
  });
});

describe('New Agent apps (mode `agent`)', () => {
  test('a New Agent app is accepted on a chat binding and streams even when the binding says blocking', async () => {
    const { result, texts } = await runFixture('agent', 'dify_chat', [difyFixture('composed/new-agent-streaming')], { responseMode: 'blocking' });
    expect(lastRunBody().response_mode).toBe('streaming');
    expect(result.answer).toBe('Here is the image: ');
    expect(texts.join('')).toBe('Here is the image: ');
    expect(result.files.map((f) => f.url)).toEqual(['https://example.com/cat.png']);
    expect(result.usage?.totalTokens).toBe(50);
  });

  test('without /info, the closing `message` (the whole answer) does not double the streamed text', async () => {
    const { result, texts, replaced } = await runFixture(undefined, 'dify_chat', [difyFixture('composed/new-agent-streaming')]);
    expect(result.answer).toBe('Here is the image: ');
    expect(texts.join('')).toBe('Here is the image: ');
    expect(replaced).toEqual([]);
  });

  test('without /info and bound as blocking: Dify refuses blocking (400 bad_request), the client streams instead', async () => {
    const { result } = await runFixture(undefined, 'dify_chat', [difyFixture('openapi/errors/chat-400-new_agent_streaming_only'), difyFixture('composed/new-agent-streaming')], { responseMode: 'blocking' });
    expect(replay.runRequests().map((r) => (r.body as Record<string, unknown>).response_mode)).toEqual(['blocking', 'streaming']);
    expect(result.answer).toBe('Here is the image: ');
  });

  test('an ask_human pause (human_input_required, then message_end) is a pause with its form', async () => {
    const { result } = await runFixture('agent', 'dify_chat', [difyFixture('composed/new-agent-pause-streaming')]);
    expect(result.humanInput?.forms).toHaveLength(1);
    expect(result.humanInput?.forms[0]).toMatchObject({ formId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', formToken: 'tok_abc123', nodeTitle: 'Approval' });
    expect(result.humanInput?.workflowRunId).toBe('msg123');
  });

  test('check(): a New Agent key on a chat binding passes and says it will stream', async () => {
    replay.mode = 'agent';
    const report = await client('dify_chat', { responseMode: 'blocking' }).check();
    const mode = report.items.find((i) => i.name === 'app_mode');
    expect(mode?.ok).toBe(true);
    expect(mode?.detail).toMatch(/New Agent/);
    expect(mode?.detail).toMatch(/stream/);
  });

  test('check(): a New Agent key on a workflow binding says to bind it as chat', async () => {
    replay.mode = 'agent';
    const report = await client('dify_workflow').check();
    const mode = report.items.find((i) => i.name === 'app_mode');
    expect(mode?.ok).toBe(false);
    expect(mode?.detail).toMatch(/New Agent app/);
    expect(mode?.detail).toMatch(/Change the binding to chat/);
  });
});

describe('chatflow apps (advanced-chat)', () => {
  test('streaming: reasoning_chunk is a known event, kept out of the answer and handed to onReasoning', async () => {
    const { result, reasoning } = await runFixture('advanced-chat', 'dify_chat', [difyFixture('openapi/chatflow-streaming')]);
    expect(result.answer).toBe(' I');
    expect(result.unknownEvents).toBe(0);
    expect(reasoning.join('')).toBe('The user greeted me, so');
    expect(result.providerIds.workflowRunId).toBe('wfr_abc123');
  });

  test('streaming pause: one form, the reasons list, the run ids', async () => {
    const { result } = await runFixture('advanced-chat', 'dify_chat', [difyFixture('openapi/chatflow-pause-streaming')]);
    const pause = result.humanInput;
    expect(pause?.forms).toHaveLength(1);
    expect(pause?.forms[0]).toMatchObject({ formId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', formToken: 'tok_abc123', nodeId: 'approval_node', nodeTitle: 'Approval' });
    expect(pause?.reasons).toHaveLength(1);
    expect(pause?.reasons[0]).toMatchObject({ TYPE: 'human_input_required', form_token: 'tok_abc123' });
    expect(pause?.pausedNodes).toEqual(['approval_node']);
    expect(pause).toMatchObject({ workflowRunId: 'fb47b2e6-5e43-4f90-be01-d5c5a088d156', taskId: 'c3800678-a077-43df-a102-53f23ed20b88', nodeId: 'approval_node' });
    expect(result.conversationId).toBe('9d3a2f1b-6c7d-4e8f-a0b1-c2d3e4f5a6b7');
  });

  test('streaming pause with two forms keeps both', async () => {
    const { result } = await runFixture('advanced-chat', 'dify_chat', [difyFixture('composed/chatflow-pause-two-forms-streaming')]);
    expect(result.humanInput?.forms.map((f) => f.formToken)).toEqual(['tok_abc123', 'tok_def456']);
    expect(result.humanInput?.reasons).toHaveLength(2);
    expect(result.humanInput?.pausedNodes).toEqual(['approval_node', 'legal_node']);
  });

  test('blocking pause (`event: "workflow_paused"` with data.reasons) is a pause, not a success', async () => {
    const { result } = await runFixture('advanced-chat', 'dify_chat', [difyFixture('dify-source/chatflow-pause-blocking')], { responseMode: 'blocking' });
    expect(result.humanInput).toBeDefined();
    expect(result.humanInput?.forms).toEqual([expect.objectContaining({ formId: 'form-1', expirationTime: 100 })]);
    expect(result.humanInput?.reasons).toEqual([{ type: 'human_input_required', form_id: 'form-1', expiration_time: 100 }]);
    expect(result.humanInput?.workflowRunId).toBe('run-1');
    expect(result.answer).toBe('partial');
    expect(result.conversationId).toBe('c1');
  });

  test('the v1.14 docs pause (no reasons on workflow_paused) still carries its form', async () => {
    const { result } = await runFixture('advanced-chat', 'dify_chat', [difyFixture('openapi-v1.14.2/chatflow-pause-streaming')]);
    expect(result.humanInput?.forms.map((f) => f.formToken)).toEqual(['tok_abc123']);
    expect(result.humanInput?.reasons).toEqual([]);
  });
});

describe('completion apps', () => {
  test('blocking and streaming', async () => {
    const blocking = await runFixture('completion', 'dify_completion', [difyFixture('openapi/completion-blocking')], { responseMode: 'blocking' });
    expect(blocking.result.answer).toBe('Hello World!...');
    expect(blocking.result.usage).toMatchObject({ promptTokens: 1033, completionTokens: 128, totalTokens: 1161 });
    const streaming = await runFixture('completion', 'dify_completion', [difyFixture('openapi/completion-streaming')]);
    expect(streaming.result.answer).toBe(" I'm");
    expect(streaming.texts).toEqual([' I', "'m"]);
    expect(streaming.result.usage).toMatchObject({ promptTokens: 1033, completionTokens: 135, totalTokens: 1168, totalPrice: '0.0013030' });
  });
});

describe('workflow apps', () => {
  test('blocking: the outputs answer; only the total token count is known', async () => {
    const { result } = await runFixture('workflow', 'dify_workflow', [difyFixture('openapi/workflow-blocking')], { responseMode: 'blocking' });
    expect(result.answer).toBe('Bonjour le monde');
    expect(result.providerIds).toMatchObject({ workflowRunId: 'fb47b2e6-5e43-4f90-be01-d5c5a088d156', taskId: 'c3800678-a077-43df-a102-53f23ed20b88' });
    expect(result.usage?.totalTokens).toBe(150);
    expect(result.usage?.promptTokens).toBeUndefined();
    expect(result.usage?.completionTokens).toBeUndefined();
  });

  test('streaming: text_chunk deltas, replaced by the final outputs; reasoning stays out of the answer', async () => {
    const { result, texts, replaced, reasoning } = await runFixture('workflow', 'dify_workflow', [difyFixture('openapi/workflow-streaming')]);
    expect(texts).toEqual(['Bonjour']);
    expect(replaced).toEqual(['Bonjour le monde']);
    expect(result.answer).toBe('Bonjour le monde');
    expect(reasoning.join('')).toBe('Let me translate that.');
    expect(result.unknownEvents).toBe(0);
  });

  test('streaming pause: one form and the reasons (docs v1.16), one form without reasons (docs v1.14)', async () => {
    const current = await runFixture('workflow', 'dify_workflow', [difyFixture('openapi/workflow-pause-streaming')]);
    expect(current.result.humanInput?.forms.map((f) => f.formToken)).toEqual(['tok_abc123']);
    expect(current.result.humanInput?.workflowRunId).toBe('fb47b2e6-5e43-4f90-be01-d5c5a088d156');
    const older = await runFixture('workflow', 'dify_workflow', [difyFixture('openapi-v1.14.2/workflow-pause-streaming')]);
    expect(older.result.humanInput?.forms.map((f) => f.formToken)).toEqual(['tok_abc123']);
  });

  test('blocking pause (`data.status: "paused"`) is a pause with its form and reasons', async () => {
    const { result } = await runFixture('workflow', 'dify_workflow', [difyFixture('dify-source/workflow-pause-blocking')], { responseMode: 'blocking' });
    expect(result.humanInput?.forms.map((f) => f.formId)).toEqual(['form-1']);
    expect(result.humanInput?.reasons).toEqual([{ TYPE: 'human_input_required', form_id: 'form-1', expiration_time: 100 }]);
    expect(result.humanInput?.pausedNodes).toEqual(['node-1']);
    expect(result.humanInput?.workflowRunId).toBe('r1');
  });

  test('blocking pause with two forms keeps both', async () => {
    const { result } = await runFixture('workflow', 'dify_workflow', [difyFixture('composed/workflow-pause-two-forms-blocking')], { responseMode: 'blocking' });
    expect(result.humanInput?.forms.map((f) => f.formId)).toEqual(['form-1', 'form-2']);
    expect(result.humanInput?.reasons).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Errors: every documented body, over HTTP and inside a stream, classified by one rule.

interface Expectation {
  type: abstract new (...args: never[]) => WorkflowError;
  retryable: boolean;
  code?: string;
}

/** What each documented Dify error code must become. */
function expected(fixture: DifyJsonFixture): Expectation {
  const { code, message } = fixture.body as { code: string; message: string };
  switch (code) {
    case 'too_many_requests':
      return { type: RateLimitError, retryable: true };
    case 'rate_limit_error':
      return { type: AppConfigurationError, retryable: false, code: 'workflow_quota_exhausted' };
    case 'internal_server_error':
      return { type: UpstreamError, retryable: true };
    case 'app_unavailable':
    case 'provider_not_initialize':
    case 'provider_quota_exceeded':
    case 'model_currently_not_support':
    case 'agent_not_published':
    case 'workflow_version_execution_not_allowed':
      return { type: AppConfigurationError, retryable: false };
    case 'not_chat_app':
    case 'not_workflow_app':
      return { type: AppModeMismatchError, retryable: false };
    case 'conversation_completed':
      return { type: ConversationNotFoundError, retryable: false, code: 'workflow_conversation_completed' };
    case 'completion_request_error':
      return { type: WorkflowError, retryable: false, code: 'workflow_request_failed' };
    case 'file_too_large':
    case 'unsupported_file_type':
    case 'too_many_files':
    case 'no_file_uploaded':
    case 'filename_not_exists_error':
      return { type: FileRefusedError, retryable: false };
    case 'not_found':
      return /conversation/i.test(message) ? { type: ConversationNotFoundError, retryable: false, code: 'workflow_conversation_not_found' } : { type: AppConfigurationError, retryable: false };
    case 'invalid_param':
    case 'bad_request':
      return { type: ValidationError, retryable: false };
    default:
      throw new Error(`no expectation for the documented code ${code}: add one`);
  }
}

const ERROR_KIND: Record<string, Exclude<WorkflowKind, 'http'>> = { chat: 'dify_chat', completion: 'dify_completion', workflow: 'dify_workflow' };
const NO_RETRY = { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000 } };

/** The same body as an in-stream `error` event, shaped like Dify's converters emit it. */
function asErrorEvent(kind: Exclude<WorkflowKind, 'http'>, body: Record<string, unknown>): ReplayAnswer {
  const ids = kind === 'dify_workflow' ? { workflow_run_id: 'fb47b2e6-5e43-4f90-be01-d5c5a088d156' } : { conversation_id: '45701982-8118-4bc5-8e9b-64562b4555f2', message_id: '9da23599-e713-473b-982c-4328d4f5c78a', created_at: 1705407629 };
  return { kind: 'raw', status: 200, contentType: 'text/event-stream', text: `data: ${JSON.stringify({ event: 'error', ...ids, ...body })}\n\n` };
}

const runErrors = difyFixturesIn('openapi/errors').filter((f): f is DifyJsonFixture => f.kind === 'json' && /^openapi\/errors\/(chat|completion|workflow)-/.test(f.name));

describe('documented error bodies of the run endpoints', () => {
  test('there is one for every code the docs list', () => {
    expect(runErrors.length).toBeGreaterThanOrEqual(30);
  });

  test.each(runErrors.map((f) => [f.name.replace('openapi/errors/', ''), f] as const))('%s over HTTP and inside a stream', async (_name, fixture) => {
    const label = /errors\/(\w+)-/.exec(fixture.name)![1]!;
    const kind = ERROR_KIND[label]!;
    const want = expected(fixture);
    const mode = kind === 'dify_chat' ? 'chat' : kind === 'dify_workflow' ? 'workflow' : 'completion';
    replay.mode = mode;

    replay.answer(RUN_PATH[kind], fixture);
    const overHttp = await client(kind, { settings: NO_RETRY }).run(request()).catch((e: unknown) => e);
    replay.answer(RUN_PATH[kind], asErrorEvent(kind, fixture.body as Record<string, unknown>));
    const inStream = await client(kind, { settings: NO_RETRY }).run(request()).catch((e: unknown) => e);

    for (const err of [overHttp, inStream]) {
      expect(err).toBeInstanceOf(want.type);
      expect((err as WorkflowError).retryable).toBe(want.retryable);
      expect(retryHintOf(err).retryable).toBe(want.retryable);
      expect((err as WorkflowError).remoteCode).toBe((fixture.body as { code: string }).code);
      if (want.code) expect((err as WorkflowError).code).toBe(want.code);
    }
    expect((inStream as WorkflowError).constructor).toBe((overHttp as WorkflowError).constructor);
    expect((inStream as WorkflowError).code).toBe((overHttp as WorkflowError).code);
  });

  test('rate_limit_error (plan quota) is not retried and says so; too_many_requests (concurrency) is retried', async () => {
    replay.mode = 'workflow';
    replay.answer('/workflows/run', difyFixture('openapi/errors/workflow-429-rate_limit_error'));
    const quota = await client('dify_workflow').run(request()).catch((e: unknown) => e);
    expect(replay.runRequests()).toHaveLength(1);
    expect((quota as WorkflowError).message).toMatch(/quota/i);
    expect((quota as WorkflowError).message).toMatch(/retrying will not help/i);

    replay.reset();
    replay.mode = 'workflow';
    replay.answer('/workflows/run', difyFixture('openapi/errors/workflow-429-too_many_requests'), difyFixture('openapi/workflow-blocking'));
    const result = await client('dify_workflow', { responseMode: 'blocking' }).run(request());
    expect(result.answer).toBe('Bonjour le monde');
    expect(replay.runRequests()).toHaveLength(2);
  });
});

describe('conversation_completed', () => {
  test('starts a new conversation once, and says so in the result', async () => {
    replay.mode = 'chat';
    replay.answer('/chat-messages', difyFixture('openapi/errors/chat-400-conversation_completed'), difyFixture('openapi/chat-streaming'));
    const result = await client('dify_chat').run(request('next question', { conversationId: 'ended-conversation' }));
    expect(result.answer).toBe(' I');
    expect(result.conversationRestarted).toBe(true);
    expect(result.conversationId).toBe('45701982-8118-4bc5-8e9b-64562b4555f2');
    const bodies = replay.runRequests().map((r) => r.body as Record<string, unknown>);
    expect(bodies[0]?.conversation_id).toBe('ended-conversation');
    expect(bodies[1]?.conversation_id).toBeUndefined();
  });

  test('only once: a second refusal is thrown', async () => {
    replay.mode = 'chat';
    const completed = difyFixture('openapi/errors/chat-400-conversation_completed');
    replay.answer('/chat-messages', completed, completed);
    const err = await client('dify_chat').run(request('q', { conversationId: 'ended-conversation' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversationNotFoundError);
    expect(replay.runRequests()).toHaveLength(2);
  });
});

describe('documented error bodies of the other endpoints', () => {
  const uploadErrors = difyFixturesIn('openapi/errors').filter((f): f is DifyJsonFixture => f.kind === 'json' && f.name.includes('/upload-'));
  test.each(uploadErrors.map((f) => [f.name.replace('openapi/errors/', ''), f] as const))('%s refuses the file', async (_name, fixture) => {
    replay.mode = 'chat';
    replay.answer('/files/upload', fixture);
    const err = await client('dify_chat', { settings: NO_RETRY })
      .run(request('see picture', { files: [{ name: 'cat.png', mime: 'image/png', data: Buffer.from('png') }] }))
      .catch((e: unknown) => e);
    const want = expected(fixture);
    expect(err).toBeInstanceOf(want.type);
    expect((err as WorkflowError).retryable).toBe(false);
    expect(replay.runRequests()).toHaveLength(0);
  });

  const parameterErrors = difyFixturesIn('openapi/errors').filter((f): f is DifyJsonFixture => f.kind === 'json' && f.name.includes('/parameters-'));
  test.each(parameterErrors.map((f) => [f.name.replace('openapi/errors/', ''), f] as const))('%s makes check() fail with Dify’s sentence', async (_name, fixture) => {
    replay.mode = 'agent';
    replay.answer('/parameters', fixture);
    const report = await client('dify_chat').check();
    expect(report.ok).toBe(false);
    expect(report.items.find((i) => i.name === 'inputs')?.detail).toContain((fixture.body as { message: string }).message);
  });
});

test('every fixture names its source repository, path and version', () => {
  const fixtures = allDifyFixtures();
  expect(fixtures.length).toBeGreaterThan(50);
  for (const fixture of fixtures) {
    const source = fixture.kind === 'json' ? `${fixture.source.repository} ${fixture.source.path} ${fixture.source.commit}` : fixture.source.join(' ');
    expect(source, fixture.name).toMatch(/langgenius\/dify(-docs)? /);
    expect(source, fixture.name).toMatch(/(api|en)\/[\w/.-]+\.(json|py)/);
    expect(source, fixture.name).toMatch(/[0-9a-f]{12}|v\d+\.\d+\.\d+/);
  }
});
