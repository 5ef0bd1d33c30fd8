/**
 * A saved bot change reaches the running platform connections and the other web processes: a Slack Socket Mode bot
 * made, disabled, enabled and deleted through the admin API connects and disconnects from (fake) Slack at once; with
 * Redis, a change made through one web process is followed by another one's ingress within a second or two, well
 * before its bot cache would expire.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildRuntime, startWeb, type Runtime, type WebHandle } from '../../../src/main.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { waitFor } from '../../support/runtime.js';
import { describeWithRedis, TEST_REDIS_URL } from '../../support/services.js';
import { randomEncodingAesKey } from '../../fakes/fake-wecom-callbacks.js';
import { ApiClient, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';

describe('bot changes reach Socket Mode connections', () => {
  let slack: FakeSlack;
  let server: AdminServer;
  let tenantId: string;
  let builder: ApiClient;
  beforeAll(async () => {
    slack = await FakeSlack.start();
    server = await startAdminServer({ database: 'sqlite', env: { SLACK_API_URL: slack.apiUrl } });
    tenantId = (await server.runtime.repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
    builder = await signedIn(server, { email: 'builder@example.com', tenantId, role: 'builder' });
  });
  afterAll(async () => {
    await server?.close();
    await slack?.close();
  });

  it('connects when created enabled, disconnects when disabled or deleted, reconnects when enabled', async () => {
    const created = await builder.post(`${API}/tenants/${tenantId}/bots`, {
      name: 'slack-socket',
      platform: 'slack',
      mode: 'socket',
      credentials: { botToken: slack.botToken, appToken: slack.appToken, botUserId: slack.botUserId, botId: slack.botId },
      settings: { streaming: false },
    });
    expect(created.status).toBe(201);
    const botId = created.json.id as string;
    await waitFor(() => slack.socket.connections === 1, 10_000, 'the socket to connect');

    expect((await builder.post(`${API}/tenants/${tenantId}/bots/${botId}/disable`)).status).toBe(200);
    await waitFor(() => slack.socket.connections === 0, 5000, 'the socket to close');

    expect((await builder.post(`${API}/tenants/${tenantId}/bots/${botId}/enable`)).status).toBe(200);
    await waitFor(() => slack.socket.connections === 1, 10_000, 'the socket to reconnect');

    expect((await builder.delete(`${API}/tenants/${tenantId}/bots/${botId}`)).status).toBe(204);
    await waitFor(() => slack.socket.connections === 0, 5000, 'the socket to close');
    // And it stays closed (no reconnect of a deleted bot).
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.socket.connections).toBe(0);
  });
});

describeWithRedis('bot changes reach other web processes through Redis', () => {
  const prefix = `sbchanges-${randomBytes(4).toString('hex')}`;
  let first: AdminServer;
  let other: { runtime: Runtime; web: WebHandle };
  let tenantId: string;
  beforeAll(async () => {
    first = await startAdminServer({ database: 'sqlite', redisUrl: TEST_REDIS_URL, env: { QUEUE_NAME: prefix } });
    // A second web process on the same database and Redis.
    const runtime = await buildRuntime(loadConfig(first.t.env), { logger: silentLogger });
    other = { runtime, web: await startWeb(runtime, { port: 0, host: '127.0.0.1' }) };
    tenantId = (await first.runtime.repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
  });
  afterAll(async () => {
    await other?.web.close();
    await other?.runtime.close();
    await first?.close();
    const redis = new Redis(TEST_REDIS_URL as string);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('a bot disabled through one process is refused by the other one at once', async () => {
    const builder = await signedIn(first, { email: 'builder@example.com', tenantId, role: 'builder' });
    const created = await builder.post(`${API}/tenants/${tenantId}/bots`, {
      name: 'helpdesk',
      platform: 'wecom',
      mode: 'app',
      credentials: { corpId: 'wwcorp', agentId: '1000002', secret: 'app-secret-value', token: 'Tok3n', encodingAesKey: randomEncodingAesKey() },
    });
    const botId = created.json.id as string;
    const hook = `/hooks/wecom/${botId}?msg_signature=x&timestamp=1&nonce=1&echostr=x`;
    // The other process knows (and caches) the bot: a wrong signature is 401, not 404.
    expect((await new ApiClient(other.web.url).get(hook)).status).toBe(401);
    expect((await builder.post(`${API}/tenants/${tenantId}/bots/${botId}/disable`)).status).toBe(200);
    const started = Date.now();
    await waitFor(async () => (await new ApiClient(other.web.url).get(hook)).status === 404, 5000, 'the other process to refuse the disabled bot');
    // Its cache would have kept the bot for 10 s.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
