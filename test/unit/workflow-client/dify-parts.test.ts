import { describe, expect, test } from 'vitest';
import { checkFiles, difyFileType } from '../../../src/workflow-client/dify/files.js';
import { pickWorkflowAnswer } from '../../../src/workflow-client/dify/outputs.js';
import { parseParameters, validateInputs } from '../../../src/workflow-client/dify/parameters.js';
import { DifyStreamHandler } from '../../../src/workflow-client/dify/stream-handler.js';
import { FileRefusedError, ValidationError } from '../../../src/workflow-client/errors.js';

const ev = (payload: Record<string, unknown>, event?: string) => ({ id: undefined, event, data: JSON.stringify(payload) });

describe('DifyStreamHandler', () => {
  test('folds a chat stream; ignores known noise; counts unknown and malformed events', () => {
    const texts: string[] = [];
    const h = new DifyStreamHandler('dify_chat', null, 'https://dify.example/v1', { onText: (t) => texts.push(t) });
    expect(h.handle({ id: undefined, event: 'ping', data: '' })).toBe('continue');
    h.handle(ev({ event: 'agent_thought', task_id: 't1', thought: 'hmm' }));
    h.handle(ev({ event: 'agent_message', task_id: 't1', message_id: 'm1', conversation_id: 'c1', answer: 'Hel' }));
    h.handle(ev({ event: 'agent_message', task_id: 't1', message_id: 'm1', conversation_id: 'c1', answer: 'lo' }));
    h.handle(ev({ event: 'brand_new_event', task_id: 't1' }));
    h.handle({ id: undefined, event: undefined, data: '{not json' });
    h.handle(ev({ event: 'tts_message', audio: 'AAAA' }));
    expect(h.handle(ev({ event: 'message_end', task_id: 't1', message_id: 'm1', metadata: { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, total_price: '0.0000001', currency: 'RMB' } } }))).toBe('stop');
    expect(texts).toEqual(['Hel', 'lo']);
    expect(h).toMatchObject({ answer: 'Hello', conversationId: 'c1', unknownEvents: 2, finished: true, textDelivered: true });
    expect(h.providerIds).toEqual({ taskId: 't1', messageId: 'm1' });
    expect(h.usage).toEqual({ promptTokens: 1, completionTokens: 2, totalTokens: 3, totalPrice: '0.0000001', currency: 'RMB' });
  });

  test('chatflow: workflow_finished does not end the stream; message_end does', () => {
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', {});
    expect(h.handle(ev({ event: 'workflow_finished', task_id: 't', workflow_run_id: 'w', data: { status: 'succeeded', outputs: { answer: 'x' } } }))).toBe('continue');
    expect(h.handle(ev({ event: 'message_end', task_id: 't', metadata: {} }))).toBe('stop');
    expect(h.providerIds.workflowRunId).toBe('w');
  });

  test('an error event ends with a failure', () => {
    const h = new DifyStreamHandler('dify_workflow', null, 'https://d/v1', {});
    expect(h.handle(ev({ event: 'error', task_id: 't', status: 429, code: 'too_many_requests', message: 'slow' }))).toBe('stop');
    expect(h.failure).toMatchObject({ remoteStatus: 429, remoteCode: 'too_many_requests', remoteMessage: 'slow' });
  });

  test('New Agent: the closing `message` is the whole answer, replacing what was streamed only when it differs', () => {
    const replaced: string[] = [];
    const texts: string[] = [];
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', { onText: (t) => texts.push(t), onReplace: (t) => replaced.push(t) });
    h.handle(ev({ event: 'agent_message', answer: 'Hello ' }));
    h.handle(ev({ event: 'agent_message', answer: 'world' }));
    h.handle(ev({ event: 'message', answer: 'Hello world' }));
    expect(h.answer).toBe('Hello world');
    expect(replaced).toEqual([]);
    h.handle(ev({ event: 'message', answer: 'Hello world!' })); // moderation or a late fix: the final text wins
    expect(h.answer).toBe('Hello world!');
    expect(replaced).toEqual(['Hello world!']);
    expect(texts).toEqual(['Hello ', 'world']);
  });

  test('an app known not to be a New Agent appends a `message` after `agent_message` like any delta', () => {
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', {}, 'agent-chat');
    h.handle(ev({ event: 'agent_message', answer: 'Hello ' }));
    h.handle(ev({ event: 'message', answer: 'again' }));
    expect(h.answer).toBe('Hello again');
  });

  test('reasoning goes to onReasoning (the final marker included), never into the answer', () => {
    const reasoning: Array<[string, boolean, string | undefined]> = [];
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', { onReasoning: (d, info) => reasoning.push([d, info.final, info.nodeId]) });
    h.handle(ev({ event: 'reasoning_chunk', data: { reasoning: 'Hmm', node_id: 'llm', is_final: false } }));
    h.handle(ev({ event: 'reasoning_chunk', data: { reasoning: '', node_id: 'llm', is_final: true } }));
    h.handle(ev({ event: 'message', answer: 'Hi' }));
    expect(reasoning).toEqual([['Hmm', false, 'llm'], ['', true, 'llm']]);
    expect(h.answer).toBe('Hi');
    expect(h.unknownEvents).toBe(0);
  });

  test('unknown and malformed events are reported to onUnknownEvent and counted', () => {
    const seen: string[] = [];
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', { onUnknownEvent: (e) => seen.push(e) });
    h.handle(ev({ event: 'workflow_teleported', data: {} }));
    h.handle({ id: undefined, event: undefined, data: '[1,2]' });
    expect(seen).toEqual(['workflow_teleported', '(malformed)']);
    expect(h.unknownEvents).toBe(2);
  });

  test('without onText nothing counts as delivered', () => {
    const h = new DifyStreamHandler('dify_chat', null, 'https://d/v1', {});
    h.handle(ev({ event: 'message', answer: 'x' }));
    expect(h.textDelivered).toBe(false);
  });
});

describe('pickWorkflowAnswer', () => {
  test('selector, nested selector, single string, well-known names', () => {
    expect(pickWorkflowAnswer({ a: 'x', b: 'y' }, 'b')).toBe('y');
    expect(pickWorkflowAnswer({ data: { reply: 'deep' } }, 'data.reply')).toBe('deep');
    expect(pickWorkflowAnswer({ only: 'one', n: 2 }, null)).toBe('one');
    expect(pickWorkflowAnswer({ x: 'a', answer: 'b' }, null)).toBe('b');
    expect(pickWorkflowAnswer({ x: 'a', y: 'b' }, null)).toBeUndefined();
    expect(pickWorkflowAnswer({ obj: { k: 1 } }, 'obj')).toBe('{"k":1}');
    expect(pickWorkflowAnswer({ a: 'x' }, 'constructor')).toBeUndefined();
  });
});

describe('parameters', () => {
  const params = parseParameters({
    user_input_form: [
      { 'text-input': { label: 'Name', variable: 'name', required: true, max_length: 5 } },
      { number: { label: 'Count', variable: 'count', required: false } },
      { checkbox: { label: 'Urgent', variable: 'urgent', required: false } },
      { select: { label: 'Lang', variable: 'lang', required: true, options: ['en', 'zh'], default: 'en' } },
    ],
    file_upload: { enabled: true, allowed_file_types: ['image'], number_limits: 2, allowed_file_upload_methods: ['local_file'], fileUploadConfig: { image_file_size_limit: 2 } },
    system_parameters: { file_size_limit: 15, image_file_size_limit: 10 },
  });

  test('parses the form and the file rules (fileUploadConfig wins over system_parameters)', () => {
    expect(params.inputs.map((i) => [i.variable, i.type, i.required])).toEqual([
      ['name', 'text-input', true],
      ['count', 'number', false],
      ['urgent', 'checkbox', false],
      ['lang', 'select', true],
    ]);
    expect(params.files).toMatchObject({ enabled: true, allowedTypes: ['image'], maxFiles: 2, localFileAllowed: true, maxBytes: { default: 15 * 1024 * 1024, image: 2 * 1024 * 1024 } });
  });

  test('converts numbers and checkboxes; a required select with a default may be left out', () => {
    expect(validateInputs({ name: 'Ada', count: ' 42 ', urgent: 'yes' }, params.inputs)).toEqual({ name: 'Ada', count: 42, urgent: true });
  });

  test('names every problem', () => {
    let err: unknown;
    try {
      validateInputs({ name: 'Too long', count: 'many', lang: 'fr' }, params.inputs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const message = (err as Error).message;
    expect(message).toContain('"name" (Name) is longer than its 5 characters');
    expect(message).toContain('"count" (Count) must be a number');
    expect(message).toContain('"lang" (Lang) must be one of "en", "zh"');
  });
});

describe('checkFiles', () => {
  const rules = parseParameters({ file_upload: { enabled: true, allowed_file_types: ['image', 'document'], number_limits: 1 }, system_parameters: { file_size_limit: 1, image_file_size_limit: 1 } }).files;
  test('types and limits', () => {
    expect(difyFileType({ name: 'a.pdf', mime: 'application/pdf' })).toBe('document');
    expect(difyFileType({ name: 'a.md', mime: 'application/octet-stream' })).toBe('document');
    expect(difyFileType({ name: 'a.mp3', mime: 'audio/mpeg' })).toBe('audio');
    expect(checkFiles([{ name: 'a.png', mime: 'image/png', data: Buffer.alloc(10) }], rules)).toEqual(['image']);
    expect(() => checkFiles([{ name: 'a.png', mime: 'image/png', data: Buffer.alloc(10) }, { name: 'b.png', mime: 'image/png', data: Buffer.alloc(10) }], rules)).toThrow(FileRefusedError);
    expect(() => checkFiles([{ name: 'a.mp3', mime: 'audio/mpeg', data: Buffer.alloc(10) }], rules)).toThrow(/file type audio \(audio\/mpeg\) not in image, document/);
    expect(() => checkFiles([{ name: 'a.pdf', mime: 'application/pdf', data: Buffer.alloc(1024 * 1024 + 1) }], rules)).toThrow(FileRefusedError);
    expect(checkFiles([{ name: 'a.png', mime: 'image/png', data: Buffer.alloc(10) }], undefined)).toEqual(['image']);
  });
});
