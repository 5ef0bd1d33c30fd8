/**
 * Dify app types end to end through the real route: signed Slack event → inbox → worker → workflow client → fake Dify
 * (speaking the shapes of Dify's own examples) → Slack Web API (fake) → the database's record of the message.
 * New Agent apps on a chat binding, Human Input pauses in chat, chatflow and workflow apps (blocking and streaming),
 * and a conversation Dify has ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDify } from '../fakes/fake-dify.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { slackFixtureJson } from '../fixtures/slack/index.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { waitFor } from '../support/runtime.js';

const SIGNING_SECRET = 'e2e0signing0secret0000000000000b';
const BOTS = [
  ['agent', 'new-agent', 'dify_chat', 'blocking', 'AGENT_URL'], // New Agent apps stream whatever the binding says
  ['chatflow', 'chatflow', 'dify_chat', 'streaming', 'CHATFLOW_URL'],
  ['chatflow-blocking', 'chatflow-blocking', 'dify_chat', 'blocking', 'CHATFLOW_URL'],
  ['workflow', 'workflow', 'dify_workflow', 'streaming', 'WORKFLOW_URL'],
  ['workflow-blocking', 'workflow-blocking', 'dify_workflow', 'blocking', 'WORKFLOW_URL'],
] as const;

const yaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
${BOTS.map(([, workflow, kind, responseMode, url]) => `      - name: ${workflow}
        kind: ${kind}
        baseUrl: \${${url}}
        apiKey: \${DIFY_KEY}
        responseMode: ${responseMode}`).join('\n')}
    bots:
${BOTS.map(([bot, workflow]) => `      - name: ${bot}
        id: acme-${bot}
        platform: slack
        mode: events_http
        workflow: ${workflow}
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
        settings:
          streaming: true
          nativeStreaming: 'off'`).join('\n')}
`;

describe('Dify app types end to end', () => {
  let agent: FakeDify;
  let chatflow: FakeDify;
  let workflow: FakeDify;
  let slack: FakeSlack;
  let e2e: E2E;
  let seq = 0;

  beforeAll(async () => {
    agent = await FakeDify.start({ mode: 'agent' });
    chatflow = await FakeDify.start({ mode: 'advanced-chat', apiKey: agent.apiKey });
    workflow = await FakeDify.start({ mode: 'workflow', apiKey: agent.apiKey });
    // Any question starting with "approve" pauses for two forms (New Agent's ask_human: one).
    for (const fake of [chatflow, workflow]) fake.script((req) => (req.key.startsWith('approve') ? { humanInput: { forms: 2 } } : undefined));
    agent.script((req) => (req.key.startsWith('approve') ? { humanInput: true } : undefined));
    slack = await FakeSlack.start();
    e2e = await startE2E({
      yaml,
      secrets: { AGENT_URL: agent.url, CHATFLOW_URL: chatflow.url, WORKFLOW_URL: workflow.url, DIFY_KEY: agent.apiKey, SLACK_BOT_TOKEN: 'xoxb-fake-bot-token', SLACK_SIGNING_SECRET: SIGNING_SECRET },
      env: { SLACK_API_URL: slack.apiUrl },
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await slack?.close();
    for (const fake of [agent, chatflow, workflow]) await fake?.close();
  });

  /** A signed Slack DM to one bot; resolves with the message's ts. */
  const dm = async (bot: string, text: string): Promise<string> => {
    const ts = `1700001${String(++seq).padStart(3, '0')}.000100`;
    const body = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
    body.event = { ...body.event, ts, event_ts: ts, text, client_msg_id: undefined, blocks: undefined };
    body.event_id = `Ev${ts.replace('.', '')}`;
    const raw = JSON.stringify(body);
    const res = await e2e.post(`/hooks/slack/acme-${bot}`, raw, { 'content-type': 'application/json', ...signSlackRequest(raw, { signingSecret: SIGNING_SECRET }) });
    expect(res.status).toBe(200);
    return ts;
  };
  const db = () => e2e.t.runtime.database.db;
  const messageDone = async (ts: string) => {
    await waitFor(async () => (await db().message.count({ where: { platformMessageId: { contains: ts }, status: { in: ['replied', 'failed'] } } })) === 1, 20_000, `message ${ts} to finish`);
    return (await db().message.findFirst({ where: { platformMessageId: { contains: ts } } }))!;
  };

  it('a New Agent app bound as dify_chat answers, streamed, without doubling its closing message', async () => {
    const ts = await dm('agent', 'what can a new agent do');
    const message = await messageDone(ts);
    expect(message.status).toBe('replied');
    const runs = await db().run.findMany({ where: { messageId: message.id } });
    expect(runs.map((r) => [r.status, r.answer])).toEqual([['succeeded', 'Echo: what can a new agent do']]);
    const request = agent.runRequests().find((r) => r.key === 'what can a new agent do')!;
    expect((request.body as { response_mode: string }).response_mode).toBe('streaming');
    const shown = [...slack.messages.values()].filter((m) => m.text.includes('Echo: what can a new agent do'));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text.split('Echo: what can a new agent do')).toHaveLength(2); // once, not twice
  });

  it.each([
    ['chatflow', 2],
    ['chatflow-blocking', 2],
    ['workflow', 2],
    ['workflow-blocking', 2],
    ['agent', 1],
  ] as const)('a Human Input pause in the %s app is recorded as paused with all its forms', async (bot, forms) => {
    const ts = await dm(bot, `approve the ${bot} draft`);
    const message = await messageDone(ts);
    expect(message.status).toBe('replied');
    const runs = await db().run.findMany({ where: { messageId: message.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('paused');
    const pause = runs[0]!.humanInput as { forms: Array<{ formToken: string }>; reasons: unknown[]; workflowRunId?: string };
    expect(pause.forms.map((f) => f.formToken)).toEqual(['tok-1', 'tok-2'].slice(0, forms));
    expect(pause.workflowRunId).toBeTruthy();
    if (bot !== 'agent') expect(pause.reasons).toHaveLength(forms);
  });

  it('after Dify ends a conversation, the next message starts a new one, is answered, and the chat is told', async () => {
    const firstTs = await dm('chatflow', 'first question');
    expect((await messageDone(firstTs)).status).toBe('replied');
    const conversation = await db().conversation.findFirst({ where: { botId: 'acme-chatflow', platformConversationId: 'D0DM' } });
    const ended = conversation!.workflowConversationId!;
    expect(chatflow.conversations.has(ended)).toBe(true);
    chatflow.completeConversation(ended);

    const nextTs = await dm('chatflow', 'second question');
    const message = await messageDone(nextTs);
    expect(message.status).toBe('replied');
    const attempts = chatflow.runRequests().filter((r) => r.key === 'second question');
    expect(attempts.map((r) => (r.body as { conversation_id?: string }).conversation_id)).toEqual([ended, undefined]);
    expect(attempts.map((r) => r.outcome)).toEqual(['error', 'answered']);
    const after = await db().conversation.findFirst({ where: { id: conversation!.id } });
    expect(after!.workflowConversationId).toBeTruthy();
    expect(after!.workflowConversationId).not.toBe(ended);
    await waitFor(() => [...slack.messages.values()].some((m) => m.text.includes('Echo: second question')), 10_000, 'the answer');
    expect([...slack.messages.values()].some((m) => m.text.includes('The previous conversation had ended, so a new one was started.'))).toBe(true);
    const notices = await db().delivery.findMany({ where: { messageId: message.id, kind: 'notice' } });
    expect(notices.map((d) => d.status)).toEqual(['sent']);
  });
});
