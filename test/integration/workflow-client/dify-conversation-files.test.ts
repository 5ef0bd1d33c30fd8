import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ConversationNotFoundError, FileRefusedError } from '../../../src/workflow-client/errors.js';
import { FakeDify } from '../../fakes/fake-dify.js';
import { clientFor, request } from './helpers.js';

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
  fake.mode = 'chat';
});

describe('conversation memory', () => {
  test('the id Dify gives is returned and continues the conversation', async () => {
    const client = clientFor(fake, 'dify_chat');
    const first = await client.run(request('my name is Ada'));
    expect(first.conversationId).toBeTruthy();
    expect(first.conversationRestarted).toBeUndefined();
    const second = await client.run(request('what is my name?', { conversationId: first.conversationId }));
    expect(second.conversationId).toBe(first.conversationId);
    expect(fake.conversations.get(first.conversationId ?? '')?.turns).toEqual(['my name is Ada', 'what is my name?']);
    expect((fake.runRequests()[1]?.body as Record<string, unknown>).conversation_id).toBe(first.conversationId);
  });

  test.each(['streaming', 'blocking'] as const)('%s: a vanished conversation restarts once, transparently', async (responseMode) => {
    const client = clientFor(fake, 'dify_chat', { responseMode });
    const first = await client.run(request('hello'));
    fake.forgetConversations();
    const second = await client.run(request('still there?', { conversationId: first.conversationId }));
    expect(second.conversationRestarted).toBe(true);
    expect(second.conversationId).toBeTruthy();
    expect(second.conversationId).not.toBe(first.conversationId);
    const runs = fake.runRequests();
    expect(runs).toHaveLength(3);
    expect((runs[2]?.body as Record<string, unknown>).conversation_id).toBeUndefined();
  });

  test('the restart happens once only', async () => {
    fake.script(() => ({ conversationNotFound: true }));
    const err = await clientFor(fake, 'dify_chat').run(request('x', { conversationId: 'c-old' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversationNotFoundError);
    expect(fake.runRequests()).toHaveLength(2);
  });
});

describe('files', () => {
  const png = { name: 'photo.png', mime: 'image/png', data: Buffer.alloc(2048, 1) };

  test('accepted files are uploaded (multipart file + user) and referenced as local_file', async () => {
    const result = await clientFor(fake, 'dify_chat').run(request('what is this?', { files: [png] }));
    expect(result.answer).toBe('Echo: what is this?');
    const upload = fake.uploadRequests()[0];
    expect(upload?.body).toEqual({ user: 'slack:U123', file: { filename: 'photo.png', mime: 'image/png', size: 2048 } });
    const [id] = [...fake.uploads.keys()];
    expect((fake.runRequests()[0]?.body as Record<string, unknown>).files).toEqual([{ type: 'image', transfer_method: 'local_file', upload_file_id: id }]);
  });

  test('a file over the app limit is refused before any upload, with a sentence for the user', async () => {
    fake.options = { systemParameters: { file_size_limit: 1, image_file_size_limit: 1 } };
    const big = { ...png, data: Buffer.alloc(1024 * 1024 + 1) };
    const err = await clientFor(fake, 'dify_chat').run(request('look', { files: [big] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect(err).toMatchObject({ code: 'file_refused', retryable: false });
    expect((err as FileRefusedError).userMessage).toContain('"photo.png" is too large');
    expect((err as FileRefusedError).userMessage).toContain('1 MB');
    expect(fake.uploadRequests()).toHaveLength(0);
    expect(fake.runRequests()).toHaveLength(0);
  });

  test('a type the app does not take is refused; an app without uploads refuses all files', async () => {
    const zip = { name: 'a.zip', mime: 'application/zip', data: Buffer.from('zip') };
    const err = await clientFor(fake, 'dify_chat').run(request('x', { files: [zip] })).catch((e: unknown) => e);
    expect((err as FileRefusedError).userMessage).toContain('it accepts images, documents only');
    fake.options = { fileUpload: { enabled: false, image: { enabled: false } } };
    const err2 = await clientFor(fake, 'dify_chat').run(request('x', { files: [png] })).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(FileRefusedError);
    expect((err2 as FileRefusedError).userMessage).toMatch(/cannot read files/);
    expect(fake.uploadRequests()).toHaveLength(0);
  });

  test('413 file_too_large and 415 unsupported_file_type from Dify become FileRefusedError, not retried', async () => {
    fake.options = { maxUploadBytes: 1000 };
    const err = await clientFor(fake, 'dify_chat').run(request('x', { files: [png] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect(err).toMatchObject({ remoteStatus: 413, remoteCode: 'file_too_large' });
    expect((err as FileRefusedError).userMessage).toMatch(/too large/);
    expect(fake.uploadRequests()).toHaveLength(1);

    fake.reset();
    fake.options = { acceptedMimes: ['application/pdf'] };
    const err2 = await clientFor(fake, 'dify_chat').run(request('x', { files: [png] })).catch((e: unknown) => e);
    expect(err2).toMatchObject({ remoteStatus: 415, remoteCode: 'unsupported_file_type', code: 'file_refused' });
    expect((err2 as FileRefusedError).userMessage).toMatch(/cannot read this type/);
    expect(fake.uploadRequests()).toHaveLength(1);
    expect(fake.runRequests()).toHaveLength(0);
  });
});
