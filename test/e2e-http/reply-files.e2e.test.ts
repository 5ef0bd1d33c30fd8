/**
 * A workflow answer with a file the workflow's host cannot serve (503, a redirect, a body that stalls) must not cost
 * the customer a second copy of the answer or a false "Sorry": the text goes out once, the file as a link, and the
 * message ends `replied` with a warning naming the file. Through the real route, on Slack (posted and streamed)
 * and on WeCom (app), with Dify's file links served by the fake Dify on its own origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/adapters/slack/index.js';
import { createWecomAdapter } from '../../src/adapters/wecom/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../src/store/kv.js';
import { DEFAULT_FALLBACK_TEXT } from '../../src/workflow-client/settings.js';
import { FakeDify } from '../fakes/fake-dify.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { signSlackRequest } from '../fakes/fake-slack-signing.js';
import { startFakeWecom, type FakeWecom } from '../fakes/fake-wecom.js';
import { slackFixtureJson } from '../fixtures/slack/index.js';
import { startE2E, type E2E } from '../support/e2e.js';
import { APP, appCallbacks, sendCallback, settle, waitFor, wecomSecrets, wecomYaml } from './wecom-support.js';

/** How long one file fetch may take before the file is linked instead (production: 60 s). */
const FILE_TIMEOUT_MS = 1_000;

type Failure = '503' | 'redirect' | 'stall';

/** Makes the fake Dify's file link fail the given way; answers the link and the file name. */
function brokenFile(dify: FakeDify, failure: Failure, tag: string): { url: string; name: string; probe?: string } {
  const name = `${failure}-${tag}.pdf`;
  if (failure === '503') return { url: dify.files.fail(`/files/${name}`, 503), name };
  if (failure === 'stall') return { url: dify.files.stall(`/files/${name}`), name };
  const probe = `/files/inner-${tag}.pdf`;
  const location = dify.files.serve(probe, Buffer.from('%PDF-1.4 internal'), 'application/pdf');
  return { url: dify.files.fail(`/files/${name}`, 302, { location }), name, probe };
}

const SIGNING_SECRET = 'files0signing0secret000000000000a';
const slackYaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
    bots:
${['post', 'stream']
  .map(
    (kind) => `      - name: slack-${kind}
        id: files-slack-${kind}
        platform: slack
        mode: events_http
        workflow: chat
        credentials:
          botToken: \${SLACK_BOT_TOKEN}
          signingSecret: \${SLACK_SIGNING_SECRET}
          botUserId: U0BOT
          botId: B0BOT
        settings:
          streaming: ${kind === 'stream'}
          nativeStreaming: 'off'
`,
  )
  .join('')}`;

describe('Slack end to end: the answer once, files that cannot be fetched as links, no fallback after the answer', () => {
  let dify: FakeDify;
  let slack: FakeSlack;
  let e2e: E2E;
  let seq = 0;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 3 });
    slack = await FakeSlack.start();
    e2e = await startE2E({
      yaml: slackYaml,
      secrets: { DIFY_URL: dify.url, DIFY_KEY: dify.apiKey, SLACK_BOT_TOKEN: 'xoxb-fake-bot-token', SLACK_SIGNING_SECRET: SIGNING_SECRET },
      env: { SLACK_API_URL: slack.apiUrl },
      adapters: [
        createSlackAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore(), slackApiUrl: slack.apiUrl, tuning: { minUpdateIntervalMs: 100, replyFileTimeoutMs: FILE_TIMEOUT_MS } }),
      ],
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await slack?.close();
    await dify?.close();
  });

  /**
   * A signed DM in its own channel (each case reads only its own posts), answered by Dify with `fileUrl` as a
   * message file; resolves once the message is final, with what the channel shows and the message row.
   */
  const ask = async (kind: 'post' | 'stream', channel: string, query: string, fileUrl: string) => {
    dify.addScript((req) => (req.key === query ? { messageFiles: [{ url: fileUrl, type: 'document' }] } : undefined));
    seq++;
    const ts = `1700000${String(seq).padStart(3, '0')}.000100`;
    const body = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
    body.event = { ...body.event, channel, ts, event_ts: ts, text: query, client_msg_id: undefined, blocks: undefined };
    body.event_id = `EvFiles${seq}`;
    const raw = JSON.stringify(body);
    const res = await e2e.post(`/hooks/slack/files-slack-${kind}`, raw, { 'content-type': 'application/json', ...signSlackRequest(raw, { signingSecret: SIGNING_SECRET }) });
    expect(res.status).toBe(200);
    const db = e2e.t.runtime.database.db;
    const row = () => db.message.findFirst({ where: { text: query } });
    await waitFor(async () => ['replied', 'failed'].includes((await row())?.status ?? ''), 20_000, `"${query}" to finish`);
    await settle(600); // room for a retry that would post again
    const shown = [...slack.messages.values()].filter((m) => m.channel === channel && !m.deleted).map((m) => m.text);
    expect(shown.filter((t) => t.includes(`Echo: ${query}`)), 'the answer, once').toHaveLength(1);
    expect(shown.some((t) => t.includes(DEFAULT_FALLBACK_TEXT.slice(0, 20))), 'no fallback after the answer').toBe(false);
    expect(dify.runRequests().filter((r) => r.key === query)).toHaveLength(1);
    const final = await row();
    return { shown, row: final, deliveries: await db.delivery.findMany({ where: { messageId: final!.id } }) };
  };

  for (const kind of ['post', 'stream'] as const) {
    for (const failure of ['503', 'redirect', 'stall'] as const) {
      it(`${kind}: a file link answering ${failure}`, async () => {
        const channel = `D0F${kind.toUpperCase()}${failure.toUpperCase()}`;
        const file = brokenFile(dify, failure, `${kind}`);
        const { shown, row, deliveries } = await ask(kind, channel, `files ${kind} ${failure}`, file.url);
        expect(shown.filter((t) => t.includes(file.url) && t.includes(file.name)), 'the file, as a link').toHaveLength(1);
        expect(slack.shares.filter((s) => s.channel === channel)).toHaveLength(0);
        if (file.probe) expect(dify.files.hits(file.probe), 'a redirect is never followed').toBe(0);
        expect(row).toMatchObject({ status: 'replied', errorCode: null });
        expect(row?.warning).toContain(file.name);
        expect(deliveries.map((d) => `${d.kind}:${d.status}`)).toEqual(['reply:sent']);
      }, 30_000);
    }
  }

  it('sharing the file fails for a while: retried later without posting the answer again', async () => {
    const url = dify.files.serve('/files/later.csv', Buffer.from('a,b\n1,2\n'), 'text/csv');
    slack.failNext('files.completeUploadExternal', { error: 'internal_error' }, 2);
    const { row } = await ask('post', 'D0SHARELATER', 'share later', url);
    expect(slack.shares.filter((s) => s.channel === 'D0SHARELATER')).toHaveLength(1);
    expect(row).toMatchObject({ status: 'replied', warning: null, errorCode: null });
  }, 30_000);

  it('Slack refuses the file share for good: the answer stays, no fallback, replied with a warning', async () => {
    const url = dify.files.serve('/files/refused.csv', Buffer.from('a,b\n1,2\n'), 'text/csv');
    slack.failNext('files.completeUploadExternal', { error: 'restricted_action' });
    const { row } = await ask('post', 'D0SHAREREFUSED', 'share refused', url);
    expect(row).toMatchObject({ status: 'replied', errorCode: null });
    expect(row?.warning).toMatch(/reply incomplete \(slack_restricted_action\)/);
  }, 30_000);
});

describe('reply files that cannot be fetched, WeCom app end to end: the answer once, the file as a link, no fallback', () => {
  let dify: FakeDify;
  let wecom: FakeWecom;
  let e2e: E2E;

  beforeAll(async () => {
    dify = await FakeDify.start({ mode: 'chat', chunks: 3 });
    wecom = await startFakeWecom({ corpId: APP.corpId, secret: APP.secret, agentId: APP.agentId });
    e2e = await startE2E({
      yaml: wecomYaml(),
      secrets: wecomSecrets(dify),
      env: { WECOM_API_BASE: wecom.url },
      adapters: [
        createWecomAdapter({ logger: silentLogger, kv: createMemoryKeyValueStore(), apiBaseUrl: wecom.url, replyFileTimeoutMs: FILE_TIMEOUT_MS }),
      ],
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await wecom?.close();
    await dify?.close();
  });

  /** What one user received (each case writes as its own user, so a late send of another case cannot blur it). */
  const sentTo = (user: string) => (wecom.sentMessages() as { touser: string; text?: { content: string } }[]).filter((m) => m.touser === user);

  for (const failure of ['503', 'redirect', 'stall'] as const) {
    it(`a file link answering ${failure}`, async () => {
      const query = `wecom files ${failure}`;
      const file = brokenFile(dify, failure, 'wecom');
      dify.addScript((req) => (req.key === query ? { messageFiles: [{ url: file.url, type: 'document' }] } : undefined));
      const msgId = { '503': '7500000000000000001', redirect: '7500000000000000002', stall: '7500000000000000003' }[failure];
      const res = await sendCallback(e2e.web.url, APP.botId, appCallbacks.appMessage({ MsgType: 'text', Content: query, MsgId: msgId, FromUserName: `user-${failure}` }));
      expect(res.status).toBe(200);

      const db = e2e.t.runtime.database.db;
      const row = () => db.message.findFirst({ where: { platformMessageId: msgId } });
      await waitFor(async () => ['replied', 'failed'].includes((await row())?.status ?? ''), 20_000, `"${query}" to finish`);
      await settle(600);
      const texts = sentTo(`user-${failure}`).map((m) => m.text?.content ?? '');
      expect(texts.filter((t) => t.includes(`Echo: ${query}`)), 'the answer, once').toHaveLength(1);
      expect(texts.filter((t) => t.includes(file.url)), 'the file, as a link').toHaveLength(1);
      expect(texts.some((t) => t.includes(DEFAULT_FALLBACK_TEXT.slice(0, 20))), 'no fallback after the answer').toBe(false);
      if (file.probe) expect(dify.files.hits(file.probe), 'a redirect is never followed').toBe(0);
      const final = await row();
      expect(final).toMatchObject({ status: 'replied', errorCode: null });
      expect(final?.warning).toContain(file.name);
    }, 30_000);
  }
});
