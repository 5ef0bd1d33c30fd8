import { describe, expect, it, vi } from 'vitest';
import { createSlackAdapter } from '../../../../src/adapters/slack/index.js';
import type { BotRuntime, IngressResult, NormalizedMessage } from '../../../../src/adapters/types.js';
import { BadRequestError, VerifyError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../../src/store/kv.js';
import { signedSlackRequest } from '../../../fakes/fake-slack-signing.js';
import { slackFixture, slackFixtureJson, type SlackFixtureName } from '../../../fixtures/slack/index.js';

const SECRET = '0123456789abcdef0123456789abcdef';

function bot(settings: Record<string, unknown> = {}): BotRuntime {
  return {
    id: 'bot-1',
    tenantId: 'tenant-1',
    name: 'Switchboard',
    platform: 'slack',
    mode: 'events_http',
    // botUserId + botId given: no auth.test, no network at all in these tests.
    credentials: { botToken: 'xoxb-1-test', signingSecret: SECRET, botUserId: 'U0BOT', botId: 'B0BOT' },
    settings,
    enabled: true,
    workflowId: 'wf-1',
  };
}

function setup() {
  const kv = createMemoryKeyValueStore();
  const spy = { get: vi.spyOn(kv, 'get'), set: vi.spyOn(kv, 'set') };
  // An API URL nothing listens on: any Web API call on the ingest path would fail loudly.
  const adapter = createSlackAdapter({ logger: silentLogger, kv, slackApiUrl: 'http://127.0.0.1:9/api/' });
  return { adapter, kv, spy };
}

function request(body: string, contentType = 'application/json', headers: Record<string, string | string[]> = {}) {
  return signedSlackRequest(body, { signingSecret: SECRET, contentType, headers });
}

async function ingestFixture(name: SlackFixtureName, settings?: Record<string, unknown>) {
  const { adapter } = setup();
  const f = slackFixture(name);
  return adapter.ingest(request(f.body, f.contentType), bot(settings));
}

function messagesOf(result: IngressResult): NormalizedMessage[] {
  expect(result.kind).toBe('messages');
  return result.kind === 'messages' ? result.messages : [];
}

describe('Slack ingest', () => {
  it('answers url_verification with the challenge', async () => {
    const result = await ingestFixture('url-verification');
    expect(result).toMatchObject({ kind: 'answer', status: 200, body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } });
  });

  it('answers ssl_check with 200', async () => {
    expect(await ingestFixture('ssl-check')).toEqual({ kind: 'answer', status: 200, body: '' });
  });

  it('turns a DM into a direct message with entities decoded', async () => {
    const result = await ingestFixture('dm');
    const [m] = messagesOf(result);
    expect(m).toMatchObject({
      id: 'D0DM:1700000001.000100',
      platform: 'slack',
      tenantId: 'tenant-1',
      botId: 'bot-1',
      conversation: { id: 'D0DM', type: 'direct' },
      sender: { id: 'U0USER' },
      text: 'Hello <bot>, what is 2 & 2?',
      mentionsBot: true,
      attachments: [],
      replyTarget: { channel: 'D0DM', messageTs: '1700000001.000100', userId: 'U0USER', teamId: 'T0FAKE', direct: true },
    });
    expect(m?.conversation.threadId).toBeUndefined();
    expect(m?.replyTarget.threadTs).toBeUndefined();
    expect(result.kind === 'messages' && result.ack).toEqual({ status: 200, body: '' });
  });

  it('turns an app_mention into a threaded group message with the mention stripped', async () => {
    const [m] = messagesOf(await ingestFixture('app-mention'));
    expect(m).toMatchObject({
      id: 'C0CHAN:1700000002.000200',
      conversation: { id: 'C0CHAN', type: 'group', threadId: '1700000002.000200' },
      text: 'summarise the report (https://example.com/report) please',
      mentionsBot: true,
      replyTarget: { channel: 'C0CHAN', threadTs: '1700000002.000200', direct: false },
    });
  });

  it('gives the app_mention and the message.channels event of one user message the same id', async () => {
    const { adapter } = setup();
    const mention = slackFixture('app-mention');
    const [m] = messagesOf(await adapter.ingest(request(mention.body), bot()));
    // listen: mentions → the message event is left to app_mention.
    const msg = slackFixture('message-channels-mention');
    const ignored = await adapter.ingest(request(msg.body), bot());
    expect(ignored).toMatchObject({ kind: 'ignored', reason: 'mention_via_app_mention', ack: { status: 200 } });
    // listen: all → both produce a message, with the same id, so the inbox runs it once.
    const [m2] = messagesOf(await adapter.ingest(request(msg.body), bot({ listen: 'all' })));
    expect(m2?.id).toBe(m?.id);
  });

  it('follows a thread the bot is in, and not others', async () => {
    const { adapter } = setup();
    const reply = slackFixture('thread-reply');
    expect(await adapter.ingest(request(reply.body), bot())).toMatchObject({ kind: 'ignored', reason: 'not_addressed' });
    // The mention that starts the thread makes the bot a member of it.
    await adapter.ingest(request(slackFixture('app-mention').body), bot());
    const [m] = messagesOf(await adapter.ingest(request(reply.body), bot()));
    expect(m).toMatchObject({
      id: 'C0CHAN:1700000003.000300',
      conversation: { id: 'C0CHAN', type: 'group', threadId: '1700000002.000200' },
      text: 'and what about last year?',
      mentionsBot: false,
      replyTarget: { threadTs: '1700000002.000200' },
    });
    // threadReplies off: the same reply is not for the bot.
    expect(await adapter.ingest(request(reply.body), bot({ threadReplies: false }))).toMatchObject({ kind: 'ignored' });
  });

  it('follows replies to a thread whose parent is the bot', async () => {
    const { adapter } = setup();
    const body = slackFixtureJson<{ event: Record<string, unknown> }>('thread-reply');
    body.event.parent_user_id = 'U0BOT';
    const [m] = messagesOf(await adapter.ingest(request(JSON.stringify(body)), bot()));
    expect(m?.conversation.threadId).toBe('1700000002.000200');
  });

  it('listens channel-wide only when asked to', async () => {
    expect(await ingestFixture('channel-message')).toMatchObject({ kind: 'ignored', reason: 'not_addressed' });
    const [m] = messagesOf(await ingestFixture('channel-message', { listen: 'all' }));
    expect(m).toMatchObject({ conversation: { id: 'C0CHAN', type: 'group', threadId: '1700000004.000400' }, mentionsBot: false });
  });

  it.each([
    ['bot-message', 'subtype_bot_message'],
    ['own-message', 'bot_message'],
    ['message-changed', 'subtype_message_changed'],
    ['message-deleted', 'subtype_message_deleted'],
  ] as const)('ignores %s', async (name, reason) => {
    expect(await ingestFixture(name, { listen: 'all' })).toEqual({ kind: 'ignored', reason, ack: { status: 200, body: '' } });
  });

  it('turns shared files into attachments', async () => {
    const [m] = messagesOf(await ingestFixture('file-share'));
    expect(m?.text).toBe('can you read this?');
    expect(m?.attachments).toEqual([
      { kind: 'file', ref: 'https://files.slack.com/files-pri/T0FAKE-F0FILE1/download/report.pdf', name: 'report.pdf', mime: 'application/pdf', size: 2048 },
      { kind: 'image', ref: 'https://files.slack.com/files-pri/T0FAKE-F0FILE2/download/chart.png', name: 'chart.png', mime: 'image/png', size: 512 },
    ]);
  });

  it('turns a slash command into a message and acks it in channel', async () => {
    const result = await ingestFixture('slash-command');
    const [m] = messagesOf(result);
    expect(m).toMatchObject({
      id: 'command:1700000013.123456.fedcba',
      conversation: { id: 'C0CHAN', type: 'group' },
      sender: { id: 'U0USER', name: 'alice' },
      text: 'what is our refund policy?',
      replyTarget: { channel: 'C0CHAN', userId: 'U0USER', teamId: 'T0FAKE' },
    });
    expect(result.kind === 'messages' && result.ack).toMatchObject({ status: 200, body: { response_type: 'in_channel' } });
  });

  it('acks block_actions and ignores them', async () => {
    expect(await ingestFixture('block-actions')).toEqual({ kind: 'ignored', reason: 'interaction_not_handled', ack: { status: 200, body: '' } });
  });

  it('ignores events it has no listener for', async () => {
    const body = JSON.stringify({ ...slackFixtureJson('dm'), event: { type: 'reaction_added', user: 'U0USER', reaction: 'thumbsup', event_ts: '1.2' } });
    expect(await setup().adapter.ingest(request(body), bot())).toMatchObject({ kind: 'ignored', reason: 'unsupported_reaction_added' });
  });

  it('gives a retried event the same message id', async () => {
    const { adapter } = setup();
    const f = slackFixture('dm');
    const [first] = messagesOf(await adapter.ingest(request(f.body), bot()));
    const [retry] = messagesOf(
      await adapter.ingest(request(f.body, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }), bot()),
    );
    expect(retry?.id).toBe(first?.id);
  });

  describe('rejects before running anything', () => {
    const f = slackFixture('app-mention');
    const cases: [string, () => ReturnType<typeof request>][] = [
      ['tampered body', () => ({ ...request(f.body), rawBody: Buffer.from(f.body.replace('summarise', 'delete')) })],
      ['stale timestamp', () => signedSlackRequest(f.body, { signingSecret: SECRET, timestamp: 1_700_000_000, receivedAt: 1_700_000_301_000 })],
      ['future timestamp', () => signedSlackRequest(f.body, { signingSecret: SECRET, timestamp: 1_700_000_400, receivedAt: 1_700_000_000_000 })],
      [
        'v1 signature',
        () => {
          const r = request(f.body);
          return { ...r, headers: { ...r.headers, 'x-slack-signature': String(r.headers['x-slack-signature']).replace('v0=', 'v1=') } };
        },
      ],
      [
        'duplicated signature header',
        () => {
          const r = request(f.body);
          const sig = String(r.headers['x-slack-signature']);
          return { ...r, headers: { ...r.headers, 'x-slack-signature': [sig, sig] } };
        },
      ],
      ['wrong secret', () => signedSlackRequest(f.body, { signingSecret: 'ffffffffffffffffffffffffffffffff' })],
    ];
    it.each(cases)('%s → opaque 401', async (_name, make) => {
      const { adapter, spy } = setup();
      const err = await adapter.ingest(make(), bot()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VerifyError);
      expect((err as VerifyError).status).toBe(401);
      expect((err as VerifyError).expose).toBe(false);
      expect(spy.get).not.toHaveBeenCalled();
      expect(spy.set).not.toHaveBeenCalled();
    });

    it('fails closed when the bot has no signing secret', async () => {
      const { adapter } = setup();
      const b = bot();
      const { signingSecret: _drop, ...rest } = b.credentials;
      await expect(adapter.ingest(request(f.body), { ...b, credentials: rest })).rejects.toBeInstanceOf(VerifyError);
    });
  });

  it('answers 400 for a signed but malformed body', async () => {
    const { adapter } = setup();
    await expect(adapter.ingest(request('{"type":"event_callback"'), bot())).rejects.toBeInstanceOf(BadRequestError);
    await expect(adapter.ingest(request('{"type":"event_callback"}'), bot())).rejects.toBeInstanceOf(BadRequestError);
    await expect(adapter.ingest(request('payload=not-json', 'application/x-www-form-urlencoded'), bot())).rejects.toBeInstanceOf(BadRequestError);
  });
});
