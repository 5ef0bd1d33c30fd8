import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../../../src/adapters/delivery-progress.js';
import { SlackApiError } from '../../../../src/adapters/slack/errors.js';
import { retryHintOf } from '../../../../src/errors.js';
import { startFakeFileHost } from '../../../fakes/fake-file-host.js';
import { FakeSlack } from '../../../fakes/fake-slack.js';
import { slackAdapter, slackBot, sleep } from './helpers.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await fake.close();
});

const channelTarget = { channel: 'C0CHAN', threadTs: '1700000002.000200', messageTs: '1700000002.000200', userId: 'U0USER', teamId: 'T0FAKE', direct: false };
const dmTarget = { channel: 'D0DM', messageTs: '1700000001.000100', userId: 'U0USER', teamId: 'T0FAKE', direct: true };

describe('Slack sender (against the fake Web API)', () => {
  it('posts a rendered answer into the thread, with footer and text fallback', async () => {
    const { adapter } = slackAdapter(fake);
    const ref = await adapter.sender(slackBot(fake, { settings: { usageFooter: true } })).send(channelTarget, {
      text: '# Result\nSee [docs](https://d.test)',
      footer: '42 tokens',
    });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.token).toBe(fake.botToken);
    expect(call?.args).toMatchObject({ channel: 'C0CHAN', thread_ts: '1700000002.000200', text: '*Result*\nSee <https://d.test|docs>' });
    expect(call?.args.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Result*\nSee <https://d.test|docs>' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '42 tokens' }] },
    ]);
    expect(ref.platformMessageId).toBe(fake.messages.values().next().value?.ts);
    expect(ref.data).toMatchObject({ channel: 'C0CHAN', threadTs: '1700000002.000200', mode: 'post' });
  });

  it('answers a DM at top level and leaves the footer out unless asked', async () => {
    const { adapter } = slackAdapter(fake);
    await adapter.sender(slackBot(fake)).send(dmTarget, { text: 'hi', footer: 'secret usage' });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args.thread_ts).toBeUndefined();
    expect(JSON.stringify(call?.args.blocks)).not.toContain('secret usage');
  });

  it('continues a long answer in follow-up messages in the thread', async () => {
    const { adapter } = slackAdapter(fake, { tuning: { renderLimits: { messageChars: 5000 } } });
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${'lorem ipsum '.repeat(40)}`).join('\n\n');
    const ref = await adapter.sender(slackBot(fake)).send(channelTarget, { text });
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.length).toBeGreaterThan(3);
    for (const p of posts) {
      expect(p.args.thread_ts).toBe(channelTarget.threadTs);
      expect(String(p.args.text).length).toBeLessThanOrEqual(5000);
    }
    expect((ref.data?.ts as string[]).length).toBe(posts.length);
    expect(fake.threadMessages('C0CHAN', channelTarget.threadTs).map((m) => m.text).join('\n\n')).toContain('Paragraph 39');
  });

  it('edits a sent answer with update()', async () => {
    const { adapter } = slackAdapter(fake);
    const sender = adapter.sender(slackBot(fake));
    const ref = await sender.send(channelTarget, { text: 'draft' });
    await sender.update?.(ref, { text: 'final **answer**' });
    expect(fake.messages.get(ref.platformMessageId)?.text).toBe('final *answer*');
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    const { adapter } = slackAdapter(fake);
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await adapter.sender(slackBot(fake)).send(channelTarget, { text: 'hello' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('surfaces a retryable error with retryAfterMs when the wait is too long', async () => {
    const { adapter } = slackAdapter(fake, { tuning: { retry: { maxRetryAfterMs: 5_000 } } });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    const err = await adapter.sender(slackBot(fake)).send(channelTarget, { text: 'hello' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackApiError);
    expect(retryHintOf(err)).toEqual({ retryable: true, retryAfterMs: 30_000 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('translates not_in_channel into a permanent error saying what to do', async () => {
    const { adapter } = slackAdapter(fake);
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const err = await adapter.sender(slackBot(fake)).send(channelTarget, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_not_in_channel', retryable: false });
    expect((err as Error).message).toMatch(/\/invite/);
  });

  it('translates a bad token', async () => {
    const { adapter } = slackAdapter(fake);
    const err = await adapter
      .sender(slackBot(fake, { credentials: { botToken: 'xoxb-wrong' } }))
      .send(channelTarget, { text: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_invalid_auth', retryable: false });
    expect((err as Error).message).not.toContain('xoxb-wrong');
  });

  it('uploads workflow files into the thread with the files API', async () => {
    const { adapter } = slackAdapter(fake);
    await adapter.sender(slackBot(fake)).send(channelTarget, {
      text: 'here you go',
      files: [{ name: 'report.csv', mime: 'text/csv', data: Buffer.from('a,b\n1,2\n') }],
    });
    const [ticket] = fake.callsTo('files.getUploadURLExternal');
    expect(ticket?.args).toMatchObject({ filename: 'report.csv', length: '8' });
    expect(fake.shares).toEqual([{ fileIds: [expect.any(String)], channel: 'C0CHAN', threadTs: channelTarget.threadTs }]);
    const id = fake.shares[0]?.fileIds[0] ?? '';
    expect(fake.uploads.get(id)?.data?.toString()).toBe('a,b\n1,2\n');
  });

  it("uploads files fetched from the workflow's host and posts other URLs as links without fetching them", async () => {
    const host = await startFakeFileHost();
    try {
      const hosted = host.serve('/files/tools/sheet.csv', Buffer.from('x,y\n'), 'text/csv');
      const foreign = host.serve('/private/keys.txt', Buffer.from('secret'), 'text/plain');
      const { adapter } = slackAdapter(fake);
      await adapter.sender(slackBot(fake)).send(channelTarget, {
        text: 'files',
        files: [
          { name: 'sheet.csv', url: hosted, hostedByWorkflow: true, mime: 'text/csv' },
          { name: 'keys|<x>.txt', url: foreign },
        ],
      });
      expect(host.hits('/private/keys.txt')).toBe(0);
      const posts = fake.callsTo('chat.postMessage').map((c) => c.args);
      expect(posts.at(-1)).toMatchObject({ channel: 'C0CHAN', thread_ts: channelTarget.threadTs, text: `<${foreign}|keys¦&lt;x&gt;.txt>` });
      expect(fake.shares).toHaveLength(1);
      expect(fake.uploads.get(fake.shares[0]?.fileIds[0] ?? '')?.data?.toString()).toBe('x,y\n');
    } finally {
      await host.close();
    }
  });

  it('posts a file the workflow host cannot serve (503, redirect, stalled body) as a link, with a warning, and the answer once', async () => {
    const host = await startFakeFileHost();
    try {
      const busy = host.fail('/files/busy.pdf', 503);
      const moved = host.fail('/files/moved.pdf', 302, { location: host.serve('/internal/admin.pdf', Buffer.from('%PDF'), 'application/pdf') });
      const stalled = host.stall('/files/stalled.pdf');
      const good = host.serve('/files/good.csv', Buffer.from('a,b\n'), 'text/csv');
      const { adapter } = slackAdapter(fake, { tuning: { replyFileTimeoutMs: 300 } });
      const progress = new DeliveryLog();
      await adapter.sender(slackBot(fake)).send(
        channelTarget,
        { text: 'your files', files: [busy, moved, stalled, good].map((url) => ({ name: url.split('/').pop()!, url, hostedByWorkflow: true })) },
        progress,
      );
      const texts = fake.callsTo('chat.postMessage').map((c) => String(c.args.text));
      expect(texts).toEqual(['your files', `<${busy}|busy.pdf>\n<${moved}|moved.pdf>\n<${stalled}|stalled.pdf>`]);
      expect(fake.shares).toHaveLength(1);
      expect(fake.uploads.get(fake.shares[0]?.fileIds[0] ?? '')?.data?.toString()).toBe('a,b\n');
      expect(host.hits('/internal/admin.pdf')).toBe(0);
      expect(progress.warnings).toEqual([
        'file busy.pdf could not be uploaded (reply_file_http_503); sent as a link',
        'file moved.pdf could not be uploaded (reply_file_http_302); sent as a link',
        'file stalled.pdf could not be uploaded (reply_file_timeout); sent as a link',
      ]);
    } finally {
      await host.close();
    }
  });

  it('a retried send continues where the last one stopped: nothing already posted is posted again', async () => {
    const { adapter } = slackAdapter(fake, { tuning: { renderLimits: { messageChars: 5000 } } });
    const sender = adapter.sender(slackBot(fake));
    const text = Array.from({ length: 20 }, (_, i) => `Paragraph ${i} ${'lorem ipsum '.repeat(40)}`).join('\n\n');
    const reply = { text, files: [{ name: 'a.csv', mime: 'text/csv', data: Buffer.from('1') }] };
    const progress = new DeliveryLog();
    // The answer's second message fails (a Slack error retrying does not fix within the call).
    fake.failNext('chat.postMessage', { error: 'msg_too_long' }, 1, 1);
    await expect(sender.send(channelTarget, reply, progress)).rejects.toBeInstanceOf(SlackApiError);
    expect(progress.textDelivered).toBe(true);
    expect(progress.get('text')?.ids).toHaveLength(1);
    // Then sharing the file fails once.
    fake.failNext('files.completeUploadExternal', { error: 'internal_error' });
    await expect(sender.send(channelTarget, reply, progress)).rejects.toBeInstanceOf(SlackApiError);
    const ref = await sender.send(channelTarget, reply, progress);

    const posted = fake.callsTo('chat.postMessage').filter((c) => c.args.text !== undefined);
    const shown = fake.threadMessages('C0CHAN', channelTarget.threadTs).map((m) => m.text);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.length).toBe((ref.data?.ts as string[]).length);
    expect(shown.join('\n\n')).toContain('Paragraph 19');
    // Every message posted once (the failed call included), none edited, the file shared once.
    expect(posted).toHaveLength(shown.length + 1);
    expect(fake.callsTo('chat.update')).toHaveLength(0);
    expect(fake.shares).toHaveLength(1);
  });

  it('a send after a streamed answer does not post the text again, only what is missing', async () => {
    fake.nativeStreaming = 'unknown_method';
    const { adapter } = slackAdapter(fake);
    const sender = adapter.sender(slackBot(fake));
    const stream = await sender.openStream!(channelTarget);
    const progress = new DeliveryLog();
    fake.failNext('files.completeUploadExternal', { error: 'internal_error' });
    const reply = { text: 'streamed answer', files: [{ name: 'b.csv', mime: 'text/csv', data: Buffer.from('2') }] };
    await expect(stream.finish(reply, progress)).rejects.toBeInstanceOf(SlackApiError);
    expect(progress.get('text')).toMatchObject({ text: true, data: { mode: 'update' } });
    const postsBefore = fake.callsTo('chat.postMessage').length;
    const ref = await sender.send(channelTarget, reply, progress);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    expect(ref.data).toMatchObject({ mode: 'update' });
    expect(fake.shares).toHaveLength(1);
  });

  it('remembers threads it answered in, so later replies reach the bot', async () => {
    const { adapter, kv } = slackAdapter(fake);
    await adapter.sender(slackBot(fake)).send({ ...channelTarget, threadTs: '1700000099.000001' }, { text: 'x' });
    expect(await kv.get('slack:thread:bot-1:C0CHAN:1700000099.000001')).toBe('1');
  });
});

describe('Slack streaming (against the fake Web API)', () => {
  it('posts a placeholder at once, then throttled updates, then the final text', async () => {
    fake.nativeStreaming = 'unknown_method';
    const { adapter } = slackAdapter(fake, { tuning: { minUpdateIntervalMs: 200 } });
    const sender = adapter.sender(slackBot(fake, { settings: { usageFooter: true, nativeStreaming: 'off' } }));
    const stream = await sender.openStream!(channelTarget);
    const [placeholder] = fake.callsTo('chat.postMessage');
    expect(placeholder?.args).toMatchObject({ channel: 'C0CHAN', thread_ts: channelTarget.threadTs, text: 'Thinking…' });
    expect(fake.callsTo('chat.startStream')).toHaveLength(0); // nativeStreaming: off

    let text = '';
    const started = Date.now();
    for (let i = 0; i < 60; i++) {
      text += `word${i} `;
      stream.push(text);
      await sleep(10);
    }
    const elapsed = Date.now() - started;
    const ref = await stream.finish({ text: `${text}**done**`, footer: '99 tokens' });

    const updates = fake.callsTo('chat.update');
    // ~600 ms of deltas at ≤ 1 update / 200 ms, plus the final one.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 2);
    for (let i = 1; i < updates.length - 1; i++) {
      expect((updates[i]?.at ?? 0) - (updates[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(180);
    }
    const final = fake.messages.get(ref.platformMessageId);
    expect(final?.text).toContain('*done*');
    expect(JSON.stringify(final?.blocks)).toContain('99 tokens');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(ref.data).toMatchObject({ mode: 'update' });
  });

  it('streams natively where the workspace supports it', async () => {
    const { adapter } = slackAdapter(fake, { tuning: { minUpdateIntervalMs: 50 } });
    const stream = await adapter.sender(slackBot(fake, { settings: { usageFooter: true } })).openStream!(channelTarget);
    expect(fake.callsTo('chat.startStream')[0]?.args).toMatchObject({
      channel: 'C0CHAN',
      thread_ts: channelTarget.threadTs,
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0USER',
    });
    stream.push('Hello');
    await sleep(80);
    stream.push('Hello, wor');
    stream.push('Hello, world');
    await sleep(80);
    const ref = await stream.finish({ text: 'Hello, world. **Bye**', footer: '7 tokens' });
    const s = fake.streams.get(ref.platformMessageId);
    expect(s).toMatchObject({ text: 'Hello, world. **Bye**', stopped: true });
    expect(JSON.stringify(s?.blocks)).toContain('7 tokens');
    expect(fake.callsTo('chat.appendStream').length).toBeGreaterThanOrEqual(2);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(fake.callsTo('chat.update')).toHaveLength(0);
    expect(ref.data).toMatchObject({ mode: 'native' });
  });

  it('falls back to chat.update on unknown_method and remembers it per workspace', async () => {
    fake.nativeStreaming = 'unknown_method';
    const { adapter, kv } = slackAdapter(fake);
    const sender = adapter.sender(slackBot(fake));
    const first = await sender.openStream!(channelTarget);
    await first.finish({ text: 'one' });
    expect(fake.callsTo('chat.startStream')).toHaveLength(1);
    expect(await kv.get('slack:native-stream:off:T0FAKE')).toBe('unknown_method');
    const second = await sender.openStream!(channelTarget);
    const ref = await second.finish({ text: 'two' });
    expect(fake.callsTo('chat.startStream')).toHaveLength(1); // not tried again
    expect(fake.messages.get(ref.platformMessageId)?.text).toBe('two');
  });

  it('uses the update path for DMs outside a thread (native streams need one)', async () => {
    const { adapter } = slackAdapter(fake);
    const stream = await adapter.sender(slackBot(fake)).openStream!(dmTarget);
    const ref = await stream.finish({ text: 'dm answer' });
    expect(fake.callsTo('chat.startStream')).toHaveLength(0);
    expect(fake.messages.get(ref.platformMessageId)).toMatchObject({ channel: 'D0DM', text: 'dm answer' });
  });

  it('continues a long streamed answer in follow-up messages', async () => {
    fake.nativeStreaming = 'not_allowed';
    const { adapter } = slackAdapter(fake, { tuning: { renderLimits: { messageChars: 4000 } } });
    const stream = await adapter.sender(slackBot(fake)).openStream!(channelTarget);
    const long = Array.from({ length: 30 }, (_, i) => `Part ${i} ${'abc '.repeat(60)}`).join('\n\n');
    stream.push(long.slice(0, 3000));
    await sleep(150);
    const ref = await stream.finish({ text: long });
    const ts = ref.data?.ts as string[];
    expect(ts.length).toBeGreaterThan(2);
    const shown = ts.map((t) => fake.messages.get(t)?.text ?? '');
    for (const t of shown) expect(t.length).toBeLessThanOrEqual(4000);
    expect(shown.join('\n\n')).toContain('Part 29');
  });

  it('continues a long native stream in follow-up messages', async () => {
    const { adapter } = slackAdapter(fake, { tuning: { nativeMaxChars: 1000 } });
    const stream = await adapter.sender(slackBot(fake)).openStream!(channelTarget);
    const long = Array.from({ length: 20 }, (_, i) => `Line ${i} ${'x'.repeat(90)}`).join('\n');
    const ref = await stream.finish({ text: long });
    expect((fake.streams.get(ref.platformMessageId)?.text ?? '').length).toBeLessThanOrEqual(1000);
    const followUps = fake.callsTo('chat.postMessage');
    expect(followUps.length).toBeGreaterThanOrEqual(1);
    expect(followUps.at(-1)?.args).toMatchObject({ thread_ts: channelTarget.threadTs });
    expect(String(followUps.at(-1)?.args.text)).toContain('Line 19');
  });

  it('shows the fallback text when the run fails', async () => {
    fake.nativeStreaming = 'unknown_method';
    const { adapter } = slackAdapter(fake);
    const stream = await adapter.sender(slackBot(fake)).openStream!(channelTarget);
    stream.push('partial answ');
    await sleep(150);
    const ref = await stream.fail({ text: 'Sorry, something went wrong.' });
    expect(fake.messages.get(ref.platformMessageId)?.text).toBe('Sorry, something went wrong.');
  });

  it('offers no stream when streaming is off', () => {
    const { adapter } = slackAdapter(fake);
    expect(adapter.sender(slackBot(fake, { settings: { streaming: false } })).openStream).toBeUndefined();
  });
});
