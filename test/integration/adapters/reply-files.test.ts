import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadable, ReplyFileError, replyFileBytes } from '../../../src/adapters/reply-files.js';
import { startFakeFileHost, type FakeFileHost } from '../../fakes/fake-file-host.js';

let host: FakeFileHost;
beforeAll(async () => {
  host = await startFakeFileHost();
});
afterAll(async () => {
  await host.close();
});

describe('reply file bytes', () => {
  it('only files with bytes or an http(s) URL on the workflow host are uploadable', () => {
    expect(isUploadable({ name: 'a', data: Buffer.from('x') })).toBe(true);
    expect(isUploadable({ name: 'b', url: 'https://dify.example/files/b', hostedByWorkflow: true })).toBe(true);
    expect(isUploadable({ name: 'c', url: 'https://elsewhere.example/c' })).toBe(false);
    expect(isUploadable({ name: 'd', url: 'file:///etc/passwd', hostedByWorkflow: true })).toBe(false);
  });

  it('fetches a hosted file and refuses more than maxBytes, declared or carried', async () => {
    const url = host.serve('/files/ten.bin', Buffer.alloc(10, 7), 'application/octet-stream');
    expect(await replyFileBytes({ name: 'ten.bin', url, hostedByWorkflow: true }, { maxBytes: 10 })).toEqual(Buffer.alloc(10, 7));
    await expect(replyFileBytes({ name: 'ten.bin', url, hostedByWorkflow: true }, { maxBytes: 9 })).rejects.toMatchObject({ code: 'reply_file_too_large', retryable: false });
    await expect(replyFileBytes({ name: 'own', data: Buffer.alloc(10) }, { maxBytes: 9 })).rejects.toMatchObject({ code: 'reply_file_too_large' });
  });

  it('says whether trying again may help', async () => {
    const busy = host.fail('/files/busy', 503);
    const gone = host.fail('/files/gone', 404);
    await expect(replyFileBytes({ name: 'busy', url: busy, hostedByWorkflow: true }, { maxBytes: 100 })).rejects.toMatchObject({ code: 'reply_file_http_503', retryable: true });
    await expect(replyFileBytes({ name: 'gone', url: gone, hostedByWorkflow: true }, { maxBytes: 100 })).rejects.toMatchObject({ code: 'reply_file_http_404', retryable: false });
    await expect(replyFileBytes({ name: 'far', url: `${host.url}/files/x` }, { maxBytes: 100 })).rejects.toMatchObject({ code: 'reply_file_not_fetchable', retryable: false });
  });

  it('a body that stalls mid-transfer is a retryable ReplyFileError, not an internal error', async () => {
    const url = host.stall('/files/stalls.pdf');
    const started = Date.now();
    const err: unknown = await replyFileBytes({ name: 'stalls.pdf', url, hostedByWorkflow: true }, { maxBytes: 10_000_000, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyFileError);
    expect(err).toMatchObject({ code: 'reply_file_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
