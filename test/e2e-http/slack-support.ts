/**
 * A Slack bot (events over HTTP, no streaming) on a fake Dify and a fake Slack Web API, for end-to-end tests that
 * are about Switchboard under stress rather than about Slack: `dm` sends a signed direct message as Slack would.
 */
import { FakeDify } from '../fakes/fake-dify.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { slackFixtureJson } from '../fixtures/slack/index.js';
import { startE2E, type E2E } from '../support/e2e.js';

const SIGNING_SECRET = 'e2e0signing0secret0000000000000a';
const BOT = 'acme-slack';

const yaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
    bots:
      - name: slack
        id: ${BOT}
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
        settings:
          streaming: false
`;

export interface SlackE2E {
  e2e: E2E;
  dify: FakeDify;
  slack: FakeSlack;
  /** A signed DM event in `channel` (each channel its own conversation); `ts` makes it a distinct message. */
  dm(channel: string, ts: string, text: string): Promise<{ status: number; text: string }>;
  /** Whether the channel shows a message containing `text`. */
  shows(channel: string, text: string): boolean;
  close(): Promise<void>;
}

export async function startSlackE2E(env: Record<string, string> = {}): Promise<SlackE2E> {
  const dify = await FakeDify.start({ mode: 'chat' });
  const slack = await FakeSlack.start();
  const e2e = await startE2E({
    yaml,
    secrets: { DIFY_URL: dify.url, DIFY_KEY: dify.apiKey, SLACK_BOT_TOKEN: 'xoxb-fake-bot-token', SLACK_SIGNING_SECRET: SIGNING_SECRET },
    env: { SLACK_API_URL: slack.apiUrl, ...env },
  });
  return {
    e2e,
    dify,
    slack,
    dm(channel, ts, text) {
      const body = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
      body.event = { ...body.event, channel, ts, event_ts: ts, text, client_msg_id: undefined, blocks: undefined };
      body.event_id = `Ev${channel}${ts.replace('.', '')}`;
      const raw = JSON.stringify(body);
      return e2e.post(`/hooks/slack/${BOT}`, raw, { 'content-type': 'application/json', ...signSlackRequest(raw, { signingSecret: SIGNING_SECRET }) });
    },
    shows(channel, text) {
      return [...slack.messages.values()].some((m) => m.channel === channel && m.text.includes(text));
    },
    async close() {
      await e2e.close();
      await slack.close();
      await dify.close();
    },
  };
}
