import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import { createMemoryKeyValueStore } from '../../../src/store/kv.js';
import { createSealedKeyValueStore } from '../../../src/store/sealed-kv.js';
import { startFakeWecom, type FakeWecom } from '../../fakes/fake-wecom.js';
import { describeWithRedis, TEST_REDIS_URL } from '../../support/services.js';
import { createTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { appBot, FIXTURE_AGENT, FIXTURE_CORP } from '../../unit/adapters/wecom/helpers.js';

describe('sealed key-value store', () => {
  const box = createSecretBox([{ version: 1, key: Buffer.alloc(32, 7) }]);

  it('keeps only ciphertext in the store it wraps and reads the plain value back', async () => {
    const inner = createMemoryKeyValueStore();
    const sealed = createSealedKeyValueStore(inner, box);
    await sealed.set('wecom:token:abc', '{"token":"tok-secret"}', 60_000);
    const raw = await inner.get('wecom:token:abc');
    expect(raw).toMatch(/^v1:/);
    expect(raw).not.toContain('tok-secret');
    expect(await sealed.get('wecom:token:abc')).toBe('{"token":"tok-secret"}');
  });

  it('a value moved under another key, tampered or sealed with an unknown key reads as a miss', async () => {
    const inner = createMemoryKeyValueStore();
    const sealed = createSealedKeyValueStore(inner, box);
    await sealed.set('a', 'value', 60_000);
    await inner.set('b', (await inner.get('a'))!, 60_000);
    expect(await sealed.get('b')).toBeUndefined();
    await inner.set('c', 'v1:AAAA', 60_000);
    expect(await sealed.get('c')).toBeUndefined();
    const other = createSealedKeyValueStore(inner, createSecretBox([{ version: 2, key: Buffer.alloc(32, 9) }]));
    expect(await other.get('a')).toBeUndefined();
  });
});

describeWithRedis('platform access tokens in Redis (scaled mode)', () => {
  let fake: FakeWecom;
  let test: TestRuntime;
  let redis: Redis;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: FIXTURE_CORP, secret: 'app-secret', agentId: FIXTURE_AGENT, expiresIn: 7200 });
    test = await createTestRuntime({ database: 'sqlite', redisUrl: TEST_REDIS_URL, env: { WECOM_API_BASE: fake.url } });
    redis = new Redis(TEST_REDIS_URL as string);
  });
  afterAll(async () => {
    await redis?.quit();
    await test?.dispose();
    await fake?.close();
  });

  it('a WeCom token is stored sealed, never in clear text', async () => {
    const adapter = test.runtime.adapters.get('wecom')!;
    await adapter.sender(appBot({ id: 'sealed-token-bot' })).send({ mode: 'app', toUser: 'zhangsan', agentId: FIXTURE_AGENT }, { text: 'hi' });
    const keys = await redis.keys(`${test.env.QUEUE_NAME}:kv:wecom:token:*`);
    expect(keys).toHaveLength(1);
    const raw = (await redis.get(keys[0]!)) ?? '';
    expect(raw).toMatch(/^v\d+:/);
    expect(raw).not.toMatch(/tok-\d/);
    await redis.del(keys);
  });
});
