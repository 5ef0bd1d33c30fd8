/**
 * Shared setup of the server suites: a Switchboard (web + worker, real Slack and WeCom adapters, real Dify client)
 * with one Slack bot and one WeCom bot, against fake Dify and fake Slack; and a raw HTTP client that can lie about
 * Content-Length, stream chunked bodies and send paths no URL parser would normalise.
 */
import http from 'node:http';
import { expect } from 'vitest';
import { FakeDify } from '../../fakes/fake-dify.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { signSlackRequest } from '../../fakes/fake-slack-signing.js';
import { slackFixtureJson } from '../../fixtures/slack/index.js';
import { startE2E, type E2E } from '../../support/e2e.js';

export const SIGNING_SECRET = 'server0signing0secret000000000ab';
export const SLACK_BOT = 'acme-slack';
export const WECOM_BOT = 'acme-wecom';
/** The hook body limit of these suites (the config minimum is 1024). */
export const LIMIT = 16 * 1024;

export const yaml = `version: 1
tenants:
  - slug: acme
    name: Acme
    workflows:
      - name: chat
        kind: dify_chat
        baseUrl: \${DIFY_URL}
        apiKey: \${DIFY_KEY}
        responseMode: blocking
    bots:
      - name: slack
        id: ${SLACK_BOT}
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
      - name: wecom
        id: ${WECOM_BOT}
        platform: wecom
        mode: app
        workflow: chat
        credentials:
          corpId: wwservercorp
          agentId: '1000002'
          secret: \${WECOM_SECRET}
          token: \${WECOM_TOKEN}
          encodingAesKey: \${WECOM_AES_KEY}
`;

export interface ServerSuite {
  e2e: E2E;
  dify: FakeDify;
  slack: FakeSlack;
  close(): Promise<void>;
}

/** The values of the `${...}` references in {@link yaml}, against these fakes. */
export function yamlSecrets(dify: FakeDify): Record<string, string> {
  return {
    DIFY_URL: dify.url,
    DIFY_KEY: dify.apiKey,
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    WECOM_SECRET: 'server-wecom-secret',
    WECOM_TOKEN: 'ServerTok3n',
    WECOM_AES_KEY: 'srvKeyABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk',
  };
}

export async function startServerSuite(env: Record<string, string> = {}): Promise<ServerSuite> {
  const dify = await FakeDify.start({ mode: 'chat' });
  const slack = await FakeSlack.start();
  const e2e = await startE2E({
    yaml,
    secrets: yamlSecrets(dify),
    env: { SLACK_API_URL: slack.apiUrl, HOOK_MAX_BODY_BYTES: String(LIMIT), ...env },
  });
  return {
    e2e,
    dify,
    slack,
    async close() {
      await e2e.close();
      await slack.close();
      await dify.close();
    },
  };
}

/** A signed Slack DM event (channel, ts and text of your choice), as Slack would POST it. */
export function slackDm(opts: { channel: string; ts: string; text: string; user?: string }): string {
  const body = slackFixtureJson<{ event: Record<string, unknown>; event_id: string }>('dm');
  body.event = {
    ...body.event,
    channel: opts.channel,
    ts: opts.ts,
    event_ts: opts.ts,
    user: opts.user ?? 'U0USER',
    text: opts.text,
    client_msg_id: `cm-${opts.channel}-${opts.ts}`,
  };
  delete body.event.blocks;
  body.event_id = `Ev${opts.channel}${opts.ts.replace('.', '')}`;
  return JSON.stringify(body);
}

export function signedHeaders(body: string | Buffer, contentType = 'application/json'): Record<string, string> {
  return { 'content-type': contentType, ...signSlackRequest(body, { signingSecret: SIGNING_SECRET }) };
}

/** Posts a signed Slack DM to the suite's Slack bot. */
export function postSlackDm(suite: ServerSuite, dm: Parameters<typeof slackDm>[0]): Promise<{ status: number; text: string }> {
  const body = slackDm(dm);
  return suite.e2e.post(`/hooks/slack/${SLACK_BOT}`, body, signedHeaders(body));
}

/** Whether the fake Slack shows a message in `channel` containing `text`. */
export function slackShows(suite: ServerSuite, channel: string, text: string): boolean {
  return [...suite.slack.messages.values()].some((m) => m.channel === channel && m.text.includes(text));
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The server said it closes the connection after this answer (`Connection: close`). */
  closed: boolean;
  /** Body bytes the client had written when the answer arrived. */
  bytesWritten: number;
}

export interface RawRequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  /** Written at once, then the request is ended. */
  body?: string | Buffer;
  /**
   * A body streamed in chunks (Transfer-Encoding: chunked unless a content-length header is given), one chunk per
   * `intervalMs`, until `total` bytes were written or the server answered, whichever is first. The request is never
   * ended when `keepOpen` is set: only an answer before the end of the body can finish it.
   */
  stream?: { chunk: Buffer; total: number; intervalMs?: number; keepOpen?: boolean };
  agent?: http.Agent | false;
  timeoutMs?: number;
}

/**
 * One request with node:http, paths sent verbatim. Resolves with the answer even when the server closes the
 * connection while the client still sends (the usual way a 413 ends); rejects only when no answer arrived.
 */
export function rawRequest(baseUrl: string, opts: RawRequestOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise<RawResponse>((resolve, reject) => {
    let answered = false;
    let bytesWritten = 0;
    let settled = false;
    /** The client never finishes this body: an answer ends the exchange. */
    const unfinished = opts.stream?.keepOpen === true || (opts.body === undefined && !opts.stream && Number(opts.headers?.['content-length'] ?? 0) > 0);
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: opts.method ?? 'POST',
      path: opts.path,
      headers: opts.headers,
      agent: opts.agent ?? false,
    });
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms for ${opts.method ?? 'POST'} ${opts.path}`)));
      req.destroy();
    }, opts.timeoutMs ?? 10_000);
    req.on('error', (err) => {
      if (!answered) settle(() => reject(err));
    });
    req.on('response', (res) => {
      answered = true;
      const writtenAtAnswer = bytesWritten;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('end', () => {
        const closed = res.headers.connection === 'close';
        settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), closed, bytesWritten: writtenAtAnswer }));
        if (unfinished) req.destroy();
      });
    });
    if (opts.stream) {
      const { chunk, total, intervalMs = 0, keepOpen } = opts.stream;
      const pump = async () => {
        while (!answered && bytesWritten < total && !req.destroyed) {
          const ok = await new Promise<boolean>((done) => req.write(chunk, (err) => done(!err)));
          if (!ok) return;
          bytesWritten += chunk.length;
          if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
        }
        if (!answered && !keepOpen && !req.destroyed) req.end();
      };
      req.flushHeaders();
      void pump();
    } else if (opts.body !== undefined) {
      req.end(opts.body, () => {
        bytesWritten = Buffer.byteLength(opts.body!);
      });
    } else if (unfinished) {
      // A declared body that never comes: only an answer before reading it can finish this request.
      req.flushHeaders();
    } else req.end();
  });
}

/** The one error shape: `{error: {code, message}}`, nothing else, no stack frame, no file path. */
export function expectErrorBody(text: string, code?: string | RegExp): { code: string; message: string } {
  expectNoLeak(text);
  const parsed = JSON.parse(text) as { error: { code: string; message: string } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message']);
  expect(typeof parsed.error.code).toBe('string');
  expect(typeof parsed.error.message).toBe('string');
  if (typeof code === 'string') expect(parsed.error.code).toBe(code);
  else if (code) expect(parsed.error.code).toMatch(code);
  return parsed.error;
}

/** No stack frame (`    at fn (file:line:col)`), no source path, no module internals in an answer. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/^\s*at /m);
  expect(text).not.toMatch(/\/(work|home|usr|tmp|src|node_modules)\//);
  expect(text).not.toMatch(/\.(ts|js|mjs):\d+/);
  expect(text).not.toMatch(/file:\/\//);
}
