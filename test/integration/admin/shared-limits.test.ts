/**
 * With Redis configured, sign-in throttling and the setup token are shared by every web process: ten failures
 * against one process block the eleventh attempt on another.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, TEST_REDIS_URL } from '../../support/services.js';
import { ApiClient, startAdminServer, type AdminServer } from './support.js';

describeWithRedis('admin limits shared through Redis', () => {
  let one: AdminServer;
  let two: AdminServer;
  const prefix = `sbadmin-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    const env = { QUEUE_NAME: prefix };
    one = await startAdminServer({ database: 'sqlite', redisUrl: TEST_REDIS_URL, env });
    two = await startAdminServer({ database: 'sqlite', redisUrl: TEST_REDIS_URL, env });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    const redis = new Redis(TEST_REDIS_URL as string);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('counts failed sign-ins of an account across processes', async () => {
    const first = new ApiClient(one.url);
    for (let i = 0; i < 10; i++) {
      first.ip = `10.9.0.${i}`;
      expect((await first.post('/api/v1/auth/login', { email: 'shared@example.com', password: 'wrong password' })).status).toBe(401);
    }
    const second = new ApiClient(two.url);
    second.ip = '10.9.1.1';
    const res = await second.post('/api/v1/auth/login', { email: 'shared@example.com', password: 'wrong password' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('accepts the setup token printed by one process on another', async () => {
    const line = one.logs.find((l) => String(l.msg).includes('setup token'));
    const token = /setup token (setup_[A-Za-z0-9_-]+)/.exec(String(line?.msg))?.[1];
    expect(token).toBeDefined();
    // The second process has its own (empty) database here: what is shared is the token's hash in Redis.
    const res = await new ApiClient(two.url).post('/api/v1/setup', { setupToken: token, email: 'first@example.com', password: 'a long enough passphrase' });
    expect(res.status).toBe(201);
  });
});
