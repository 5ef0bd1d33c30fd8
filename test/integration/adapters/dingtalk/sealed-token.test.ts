/**
 * Scaled mode: the DingTalk access token goes through the `tokenKv` that main seals before it reaches Redis, like
 * WeCom's (one shared token cache for both platforms).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeDingtalk, type FakeDingtalk } from '../../../fakes/fake-dingtalk.js';
import { describeWithRedis, TEST_REDIS_URL } from '../../../support/services.js';
import { createTestRuntime, type TestRuntime } from '../../../support/runtime.js';
import { dingtalkBot, DT_KEYS } from '../../../unit/adapters/dingtalk/helpers.js';

describeWithRedis('DingTalk access tokens in Redis (scaled mode)', () => {
  let fake: FakeDingtalk;
  let test: TestRuntime;
  let redis: Redis;

  beforeAll(async () => {
    fake = await startFakeDingtalk({ clientId: DT_KEYS.clientId, clientSecret: DT_KEYS.clientSecret });
    test = await createTestRuntime({ database: 'sqlite', redisUrl: TEST_REDIS_URL });
    redis = new Redis(TEST_REDIS_URL as string);
  });
  afterAll(async () => {
    await redis?.quit();
    await test?.dispose();
    await fake?.close();
  });

  it('is stored sealed under a hashed key, never in clear text, and reused', async () => {
    const bot = dingtalkBot('robot_http', { apiBaseUrl: fake.url }, { robotCode: DT_KEYS.clientId });
    const target = { platform: 'dingtalk', conversationType: 'group', conversationId: 'cidSealed==', userId: 'u1', isStaff: true, robotCode: DT_KEYS.clientId, msgId: 'm-sealed' };
    await test.runtime.adapters.get('dingtalk')!.sender(bot).send(target, { text: 'hi' });
    const keys = await redis.keys(`${test.env.QUEUE_NAME}:kv:dingtalk:token:*`);
    expect(keys).toHaveLength(1);
    const raw = (await redis.get(keys[0]!)) ?? '';
    expect(raw).toMatch(/^v\d+:/);
    expect(raw).not.toMatch(/dt-tok-\d/);
    await test.runtime.adapters.get('dingtalk')!.sender(bot).send({ ...target, msgId: 'm-sealed-2' }, { text: 'again' });
    expect(fake.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
    await redis.del(keys);
  });
});
