import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../../fakes/fake-slack.js';
import { signedSlackRequest } from '../../../fakes/fake-slack-signing.js';
import { slackFixture } from '../../../fixtures/slack/index.js';
import { SIGNING_SECRET, slackAdapter, slackBot } from './helpers.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await fake.close();
});

describe('Slack bot identity', () => {
  it('resolves missing bot ids once with auth.test and caches them', async () => {
    const { adapter, kv } = slackAdapter(fake);
    const bot = slackBot(fake); // no botUserId / botId in the credentials
    const f = slackFixture('app-mention');
    const first = await adapter.ingest(signedSlackRequest(f.body, { signingSecret: SIGNING_SECRET }), bot);
    expect(first.kind === 'messages' && first.messages[0]?.text).toBe('summarise the report (https://example.com/report) please');
    await adapter.ingest(signedSlackRequest(slackFixture('dm').body, { signingSecret: SIGNING_SECRET }), bot);
    expect(fake.callsTo('auth.test')).toHaveLength(1);

    // A second adapter (another process) reads the cached identity from the shared KV store.
    const other = slackAdapter(fake, { kv }).adapter;
    await other.ingest(signedSlackRequest(f.body, { signingSecret: SIGNING_SECRET }), slackBot(fake));
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('makes no Web API call when the credentials carry the ids', async () => {
    const { adapter } = slackAdapter(fake);
    const bot = slackBot(fake, { credentials: { botUserId: 'U0BOT', botId: 'B0BOT' } });
    await adapter.ingest(signedSlackRequest(slackFixture('app-mention').body, { signingSecret: SIGNING_SECRET }), bot);
    expect(fake.calls).toHaveLength(0);
  });

  it('still strips the mention when auth.test fails, using the event authorizations', async () => {
    fake.failNext('auth.test', { status: 500 }, 10);
    const { adapter } = slackAdapter(fake);
    const result = await adapter.ingest(signedSlackRequest(slackFixture('app-mention').body, { signingSecret: SIGNING_SECRET }), slackBot(fake));
    expect(result.kind === 'messages' && result.messages[0]?.text).toBe('summarise the report (https://example.com/report) please');
  });
});
