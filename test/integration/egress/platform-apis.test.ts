/**
 * Platform API clients take a tenant-set base URL (a bot's `apiBaseUrl` / `slackApiUrl`): their calls go through the
 * process's egress policy too. A server on 127.0.0.1 counts connections, so "refused before connecting" is observed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DingtalkApiClient } from '../../../src/adapters/dingtalk/api-client.js';
import { createSlackApi } from '../../../src/adapters/slack/web-api.js';
import { AccessTokenCache } from '../../../src/adapters/token-cache.js';
import { createWecomHttp, WecomApiClient } from '../../../src/adapters/wecom/api-client.js';
import { configureProcessEgress } from '../../../src/egress/index.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMemoryKeyValueStore } from '../../../src/store/kv.js';

let server: http.Server;
let base = '';
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"errcode":-1,"ok":false,"error":"internal_error"}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  configureProcessEgress({ private: 'allow', allowlist: [] });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  connections = 0;
});

const tokens = () => new AccessTokenCache({ kv: createMemoryKeyValueStore(), logger: silentLogger });
const noWait = async () => undefined;

const clients = {
  wecom: (baseUrl: string) =>
    new WecomApiClient({ baseUrl, corpId: 'ww1', secret: 's', tokens: tokens(), logger: silentLogger, http: createWecomHttp({ timeoutMs: 2_000 }), sleep: noWait }).getToken(),
  dingtalk: (baseUrl: string) =>
    new DingtalkApiClient({ baseUrl, legacyBaseUrl: baseUrl, clientId: 'c', clientSecret: 's', tokens: tokens(), logger: silentLogger, sleep: noWait, timeoutMs: 2_000 }).sendToUsers(
      'robot',
      ['u1'],
      'sampleText',
      { content: 'hi' },
    ),
  slack: (baseUrl: string) => createSlackApi({ token: 'xoxb-test', slackApiUrl: `${baseUrl}/api/`, logger: silentLogger, timeoutMs: 2_000 }).call('auth.test'),
};

describe.each(Object.entries(clients))('%s API base set by a bot', (_platform, call) => {
  test('on 127.0.0.1 is refused under EGRESS_PRIVATE=deny without connecting, as a non-retryable error', async () => {
    configureProcessEgress({ private: 'deny', allowlist: [] });
    await expect(call(base)).rejects.toMatchObject({ code: 'egress_denied', retryable: false, message: expect.stringContaining('127.0.0.1') as unknown });
    expect(connections).toBe(0);
  });

  test('on 127.0.0.1 is reached when allowlisted', async () => {
    configureProcessEgress({ private: 'deny', allowlist: ['127.0.0.1'] });
    const err: unknown = await call(base).catch((e: unknown) => e);
    expect((err as { code?: string } | undefined)?.code).not.toBe('egress_denied');
    expect(connections).toBeGreaterThan(0);
  });

  test('at the metadata address is refused by default', async () => {
    configureProcessEgress({ private: 'allow', allowlist: [] });
    await expect(call('http://169.254.169.254')).rejects.toMatchObject({ code: 'egress_denied', retryable: false });
  });
});
