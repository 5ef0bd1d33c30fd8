import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { slackFixture, slackFixtureJson } from '../fixtures/slack/index.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { waitFor } from '../support/runtime.js';

const SIGNING_SECRET = 'e2e0signing0secret0000000000000a';
const yaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
        settings:
          resetCommands: ['new topic']
    bots:
      - name: slack
        id: acme-slack
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
        settings:
          streaming: true
          nativeStreaming: 'off'
`;

describe('Slack end to end: signed event → route → inbox → worker → Dify (fake) → Slack Web API (fake)', () => {
  let dify: FakeDify;
  let slack: FakeSlack;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 6 });
    // Slow enough between deltas that the placeholder is visibly updated before the final text.
    dify.script(() => ({ chunkDelayMs: 400 }));
    slack = await FakeSlack.start();
    e2e = await startE2E({
      yaml,
      secrets: { DIFY_URL: dify.url, DIFY_KEY: dify.apiKey, SLACK_BOT_TOKEN: 'xoxb-fake-bot-token', SLACK_SIGNING_SECRET: SIGNING_SECRET },
      env: { SLACK_API_URL: slack.apiUrl },
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await slack?.close();
    await dify?.close();
  });

  const send = (name: Parameters<typeof slackFixture>[0], extraHeaders: Record<string, string> = {}) => {
    const { body, contentType } = slackFixture(name);
    return e2e.post('/hooks/slack/acme-slack', body, { 'content-type': contentType, ...signSlackRequest(body, { signingSecret: SIGNING_SECRET }), ...extraHeaders });
  };

  it('answers a DM with a streamed reply: placeholder, then updates, then the final text', async () => {
    const res = await send('dm');
    expect(res.status).toBe(200);
    await waitFor(() => [...slack.messages.values()].some((m) => m.channel === 'D0DM' && m.text.includes('Echo: Hello &lt;bot&gt;, what is 2 &amp; 2?')), 20_000, 'the final DM answer');
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0DM');
    const updates = slack.callsTo('chat.update').filter((c) => c.args.channel === 'D0DM');
    expect(posts).toHaveLength(1); // the placeholder, edited in place afterwards
    expect(updates.length).toBeGreaterThanOrEqual(2); // at least one partial update and the final text
    const finalText = String(updates[updates.length - 1]!.args.text);
    // Slack mrkdwn escapes &, < and > in the text it shows.
    expect(finalText).toContain('Echo: Hello &lt;bot&gt;, what is 2 &amp; 2?');
    const partial = updates.slice(0, -1).map((u) => String(u.args.text));
    expect(partial.some((text) => text.length < finalText.length)).toBe(true);
    expect(posts[0]!.at).toBeLessThan(updates[0]!.at);
  });

  it('gives no second run or reply for a Slack retry of a handled event', async () => {
    const runsBefore = dify.runRequests().length;
    const postsBefore = slack.callsTo('chat.postMessage').length;
    const res = await send('dm', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(dify.runRequests().length).toBe(runsBefore);
    expect(slack.callsTo('chat.postMessage').length).toBe(postsBefore);
    expect(await e2e.t.runtime.database.db.message.count({ where: { platformMessageId: { contains: '1700000001.000100' } } })).toBe(1);
  });

  it('answers a channel mention in a thread, and a follow-up in that thread continues the same Dify conversation', async () => {
    expect((await send('app-mention')).status).toBe(200);
    // Partial text shows while streaming; wait for the message to be done before reading what it stored.
    await waitFor(async () => (await e2e.t.runtime.database.db.message.count({ where: { platformMessageId: { contains: '1700000002.000200' }, status: 'replied' } })) === 1, 20_000, 'the mention to be replied');
    expect(slack.threadMessages('C0CHAN', '1700000002.000200').some((m) => m.text.includes('Echo: summarise'))).toBe(true);
    const firstRun = dify.runRequests().find((r) => String(r.key).startsWith('summarise'))!;
    expect(firstRun).toBeDefined();
    const conversation = await e2e.t.runtime.database.db.conversation.findFirst({ where: { platformConversationId: 'C0CHAN', threadKey: '1700000002.000200' } });
    const conversationId = conversation?.workflowConversationId;
    expect(conversationId).toBeTruthy();
    expect(dify.conversations.has(conversationId!)).toBe(true);

    expect((await send('thread-reply')).status).toBe(200);
    await waitFor(() => slack.threadMessages('C0CHAN', '1700000002.000200').some((m) => m.text.includes('Echo: and what about last year?')), 20_000, 'the follow-up answer');
    const followUp = dify.runRequests().find((r) => r.key === 'and what about last year?')!;
    expect((followUp.body as { conversation_id?: string }).conversation_id).toBe(conversationId);
    expect(dify.conversations.get(conversationId!)!.turns).toHaveLength(2);
  });

  it('starts a fresh Dify conversation when the user sends the reset word', async () => {
    const dm = (ts: string, text: string) => {
      const body = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
      body.event = { ...body.event, ts, event_ts: ts, text, client_msg_id: undefined, blocks: undefined };
      body.event_id = `Ev${ts.replace('.', '')}`;
      const raw = JSON.stringify(body);
      return e2e.post('/hooks/slack/acme-slack', raw, { 'content-type': 'application/json', ...signSlackRequest(raw, { signingSecret: SIGNING_SECRET }) });
    };
    const before = await e2e.t.runtime.database.db.conversation.findFirst({ where: { platformConversationId: 'D0DM', threadKey: '' } });
    expect(before?.workflowConversationId).toBeTruthy();

    expect((await dm('1700000010.000100', 'new topic')).status).toBe(200);
    await waitFor(() => [...slack.messages.values()].some((m) => m.channel === 'D0DM' && m.text.includes('Started a new conversation.')), 10_000, 'the reset notice');
    const after = await e2e.t.runtime.database.db.conversation.findFirst({ where: { platformConversationId: 'D0DM', threadKey: '' } });
    expect(after?.workflowConversationId).toBeNull();
    expect(dify.runRequests().some((r) => r.key === 'new topic')).toBe(false);

    expect((await dm('1700000011.000100', 'hello again')).status).toBe(200);
    await waitFor(() => dify.runRequests().some((r) => r.key === 'hello again'), 10_000, 'the next question to reach Dify');
    const next = dify.runRequests().find((r) => r.key === 'hello again')!;
    expect((next.body as { conversation_id?: string }).conversation_id ?? '').toBe('');
  });

  it('rejects a tampered signature with an opaque 401 and runs nothing', async () => {
    const runsBefore = dify.runRequests().length;
    const { body, contentType } = slackFixture('dm');
    const headers = signSlackRequest(body, { signingSecret: SIGNING_SECRET });
    const res = await e2e.post('/hooks/slack/acme-slack', body.replace('2 &amp; 2', '3 &amp; 3'), { 'content-type': contentType, ...headers });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: { code: expect.any(String), message: 'unauthorized' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(dify.runRequests().length).toBe(runsBefore);
  });
});
