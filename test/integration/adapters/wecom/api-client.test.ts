import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWecomAdapter } from '../../../../src/adapters/wecom/adapter.js';
import { WecomApiError } from '../../../../src/adapters/wecom/errors.js';
import { retryHintOf } from '../../../../src/errors.js';
import { startFakeWecom, type FakeWecom } from '../../../fakes/fake-wecom.js';
import { appBot, FIXTURE_AGENT, FIXTURE_CORP } from '../../../unit/adapters/wecom/helpers.js';
import { capturingLogger, recordingKv } from './support.js';

let fake: FakeWecom;
beforeAll(async () => {
  fake = await startFakeWecom({ corpId: FIXTURE_CORP, secret: 'app-secret', agentId: FIXTURE_AGENT, expiresIn: 7200 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function build(opts: { clock?: () => number; kv?: ReturnType<typeof recordingKv> } = {}) {
  const { logger, lines } = capturingLogger();
  const kv = opts.kv ?? recordingKv();
  const sleeps: number[] = [];
  const adapter = createWecomAdapter({
    logger,
    kv,
    apiBaseUrl: fake.url,
    clock: opts.clock,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { adapter, kv, lines, sleeps };
}

const target = { mode: 'app', toUser: 'zhangsan', agentId: FIXTURE_AGENT };
const bot = appBot({ id: `api-${Math.random()}` });

async function rejection(p: Promise<unknown>): Promise<WecomApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WecomApiError);
    return err as WecomApiError;
  }
  throw new Error('expected a WecomApiError');
}

describe('WeCom API client against the fake server', () => {
  it('single-flight: 10 concurrent sends fetch one token', async () => {
    const { adapter, lines } = build();
    const sender = adapter.sender(appBot({ id: 'sf' }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => sender.send(target, { text: `hello ${i}` })));
    expect(fake.callsTo('/cgi-bin/gettoken')).toHaveLength(1);
    expect(fake.callsTo('/cgi-bin/message/send')).toHaveLength(10);
    expect(fake.sentMessages()).toContainEqual({ touser: 'zhangsan', msgtype: 'markdown', markdown: { content: 'hello 3' }, agentid: 1000002 });
    expect(lines.join('')).not.toMatch(/tok-\d/);
    expect(lines.join('')).not.toContain('app-secret');
  });

  it('the token is shared through the KeyValueStore under a hashed key (another process fetches none)', async () => {
    const kv = recordingKv();
    const first = build({ kv });
    await first.adapter.sender(bot).send(target, { text: 'one' });
    const tokenWrites = kv.writes.filter((w) => w.key.startsWith('wecom:token:'));
    expect(tokenWrites).toHaveLength(1);
    expect(tokenWrites[0]!.key).toMatch(/^wecom:token:[0-9a-f]{40}$/);
    expect(tokenWrites[0]!.key).not.toContain('app-secret');
    const second = build({ kv });
    await second.adapter.sender(bot).send(target, { text: 'two' });
    expect(fake.callsTo('/cgi-bin/gettoken')).toHaveLength(1);
  });

  it('42001 mid-run: the token is refreshed, the call retried once, every message sent exactly once', async () => {
    const { adapter } = build();
    fake.expireTokensAfter(2);
    const sender = adapter.sender(appBot({ id: 'exp' }));
    for (const text of ['m1', 'm2', 'm3', 'm4']) await sender.send(target, { text });
    expect(fake.callsTo('/cgi-bin/gettoken')).toHaveLength(2);
    expect(fake.callsTo('/cgi-bin/message/send')).toHaveLength(5);
    const contents = fake.sentMessages().map((m) => (m as { markdown: { content: string } }).markdown.content);
    expect(contents).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('a token rejected again after the refresh is not retried a second time', async () => {
    const { adapter } = build();
    const sender = adapter.sender(appBot({ id: 'exp2' }));
    fake.failNext('/cgi-bin/message/send', 42001, 2);
    const err = await rejection(sender.send(target, { text: 'x' }));
    expect(err).toMatchObject({ code: 'token_expired', errcode: 42001, category: 'token' });
    expect(fake.callsTo('/cgi-bin/message/send')).toHaveLength(2);
  });

  it('60020: a permanent configuration error naming the IP and the fix', async () => {
    const { adapter, lines } = build();
    fake.failNext('/cgi-bin/gettoken', 60020);
    const err = await rejection(adapter.sender(appBot({ id: 'ip' })).send(target, { text: 'x' }));
    expect(err).toMatchObject({ code: 'untrusted_ip', errcode: 60020, category: 'configuration', retryable: false, status: 400 });
    expect(err.message).toBe(
      "WeCom refused the call because this server's IP is not on the app's trusted IP list (errcode 60020). " +
        'Add 203.0.113.7 under App → Trusted IPs (企业可信IP) in the WeCom admin console.',
    );
    expect(retryHintOf(err)).toEqual({ retryable: false, retryAfterMs: undefined });
    expect(fake.callsTo('/cgi-bin/message/send')).toHaveLength(0);
    expect(lines.join('')).not.toContain('app-secret');
  });

  it('81013: configuration error explaining the visible range', async () => {
    const { adapter } = build();
    fake.failNext('/cgi-bin/message/send', 81013);
    const err = await rejection(adapter.sender(appBot({ id: 'vis' })).send(target, { text: 'x' }));
    expect(err).toMatchObject({ code: 'no_valid_recipient', category: 'configuration', retryable: false });
    expect(err.message).toContain('Visible range');
  });

  it('45009: backs off with the rate-limit delay, then succeeds; sent once', async () => {
    const { adapter, sleeps } = build();
    fake.failNext('/cgi-bin/message/send', 45009);
    await adapter.sender(appBot({ id: 'rl' })).send(target, { text: 'x' });
    expect(sleeps).toEqual([60_000]);
    expect(fake.sentMessages()).toHaveLength(1);
  });

  it('45009 persisting: retryable error with retryAfterMs for the queue, after the policy attempts', async () => {
    const { adapter, sleeps } = build();
    fake.failNext('/cgi-bin/message/send', 45009, 5);
    const err = await rejection(adapter.sender(appBot({ id: 'rl2' })).send(target, { text: 'x' }));
    expect(err).toMatchObject({ code: 'rate_limited', errcode: 45009, retryable: true, retryAfterMs: 60_000 });
    expect(retryHintOf(err)).toEqual({ retryable: true, retryAfterMs: 60_000 });
    expect(sleeps).toHaveLength(2);
    expect(fake.callsTo('/cgi-bin/message/send')).toHaveLength(3);
  });

  it('-1 (busy): exponential backoff with jitter, then success', async () => {
    const { adapter, sleeps } = build();
    fake.failNext('/cgi-bin/message/send', -1, 2);
    await adapter.sender(appBot({ id: 'busy' })).send(target, { text: 'x' });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(2);
    expect(sleeps[0]!).toBeLessThanOrEqual(10);
    expect(sleeps[1]!).toBeLessThanOrEqual(20);
    expect(fake.sentMessages()).toHaveLength(1);
  });

  it('refreshes the token early, before expires_in minus the margin', async () => {
    let now = 1_700_000_000_000;
    const { adapter } = build({ clock: () => now });
    const sender = adapter.sender(appBot({ id: 'early' }));
    await sender.send(target, { text: 'a' });
    now += (7200 - 301) * 1000;
    await sender.send(target, { text: 'b' });
    expect(fake.callsTo('/cgi-bin/gettoken')).toHaveLength(1);
    now += 2000; // inside the 5-minute margin
    await sender.send(target, { text: 'c' });
    expect(fake.callsTo('/cgi-bin/gettoken')).toHaveLength(2);
  });

  it('an unreachable API is a transient, retryable error without the URL or token in the message', async () => {
    const { logger } = capturingLogger();
    const adapter = createWecomAdapter({
      logger,
      kv: recordingKv(),
      apiBaseUrl: 'http://127.0.0.1:1',
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      sleep: async () => undefined,
    });
    const err = await rejection(adapter.sender(appBot({ id: 'down' })).send(target, { text: 'x' }));
    expect(err).toMatchObject({ code: 'wecom_unreachable', retryable: true, category: 'transient' });
    expect(err.message).not.toContain('127.0.0.1');
    expect(err.message).not.toContain('secret');
  });
});
