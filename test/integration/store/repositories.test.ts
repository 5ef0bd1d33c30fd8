/**
 * One contract for the repositories, run against SQLite (a temp file, always) and PostgreSQL (a fresh schema per
 * run, dropped afterwards; needs SWITCHBOARD_TEST_PG_URL).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from '../../../src/crypto/secret-box.js';
import { ConfigError } from '../../../src/errors.js';
import type { Database } from '../../../src/store/client.js';
import { migrate } from '../../../src/store/migrate.js';
import { ConversationRepository } from '../../../src/store/repositories/conversations.js';
import { createRepositories, type NewMessage, type Repositories } from '../../../src/store/repositories/index.js';
import { describeWithPostgres } from '../../support/services.js';
import { postgresTestDatabase, sqliteTestDatabase, type TestDatabase } from './databases.js';

const secretKey = randomBytes(32);
const secrets = createSecretBox([{ version: 1, key: secretKey }]);
const API_KEY = 'app-0123456789abcdefSECRET';
const BOT_SECRET = 'xoxb-very-secret-bot-token';

interface Tenant {
  id: string;
  workflowId: string;
  botId: string;
}

function repositoryContract(makeTestDatabase: () => TestDatabase) {
  let testDb: TestDatabase;
  let database: Database;
  let repos: Repositories;
  let a: Tenant;
  let b: Tenant;
  let seq = 0;

  const workflowInput = (tenantId: string, overrides: Partial<Parameters<Repositories['workflows']['upsert']>[0]> = {}) => ({
    tenantId,
    name: 'support',
    kind: 'dify_chat',
    baseUrl: 'https://dify.example/v1',
    apiKey: API_KEY,
    inputMapping: { customer: '{{sender.id}}', channel: '{{platform}}' },
    outputSelector: null,
    responseMode: 'streaming',
    timeoutMs: 60_000,
    settings: { retry: { attempts: 3, backoffMs: 500 }, fallbackText: 'sorry' },
    ...overrides,
  });

  const botInput = (tenantId: string, workflowId: string | null, overrides: Partial<Parameters<Repositories['bots']['upsert']>[0]> = {}) => ({
    tenantId,
    name: 'helpdesk',
    platform: 'slack',
    mode: 'events_http',
    credentials: { botToken: BOT_SECRET, signingSecret: 'signing-secret-value-123' },
    settings: { groupPolicy: 'mention', streaming: true },
    enabled: true,
    workflowId,
    approvalPolicy: 'none',
    ...overrides,
  });

  const message = (tenant: Tenant, platformMessageId: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
    tenantId: tenant.id,
    botId: tenant.botId,
    platform: 'slack',
    platformMessageId,
    conversationKey: `${tenant.botId}:C1:`,
    senderId: 'U1',
    senderName: 'Ada',
    text: `hello ${platformMessageId}`,
    payload: { conversation: { id: 'C1', type: 'group' }, mentionsBot: true, attachments: [], replyTarget: { channel: 'C1' } },
    traceId: 'trace-1',
    receivedAt: new Date('2024-05-01T08:00:00.123Z'),
    ...overrides,
  });

  const uniqueId = (prefix: string) => `${prefix}-${++seq}-${randomBytes(3).toString('hex')}`;

  async function seedTenant(slug: string): Promise<Tenant> {
    const tenant = await repos.tenants.upsertBySlug({ slug, name: slug.toUpperCase() });
    const { id: workflowId } = await repos.workflows.upsert(workflowInput(tenant.id));
    const { id: botId } = await repos.bots.upsert(botInput(tenant.id, workflowId));
    return { id: tenant.id, workflowId, botId };
  }

  async function rawColumn(table: 'workflows' | 'bots', column: 'api_key' | 'credentials', id: string): Promise<string> {
    const rows = await database.db.$queryRawUnsafe<Record<string, string>[]>(`SELECT ${column} AS value FROM ${table} WHERE id = $1`.replace('$1', database.provider === 'sqlite' ? '?' : '$1'), id);
    return rows[0]?.value ?? '';
  }

  beforeAll(async () => {
    testDb = makeTestDatabase();
    database = await testDb.open();
    await migrate(database);
    repos = createRepositories(database, secrets);
    a = await seedTenant('acme');
    b = await seedTenant('globex');
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  describe('tenants', () => {
    it('upsertBySlug creates once, renames in place, and survives concurrent calls', async () => {
      const first = await repos.tenants.upsertBySlug({ slug: 'initech', name: 'Initech' });
      const renamed = await repos.tenants.upsertBySlug({ slug: 'initech', name: 'Initech Ltd' });
      expect(renamed.id).toBe(first.id);
      expect((await repos.tenants.getBySlug('initech'))?.name).toBe('Initech Ltd');
      expect(await repos.tenants.get(first.id)).toMatchObject({ slug: 'initech' });

      const racing = await Promise.all(Array.from({ length: 6 }, () => repos.tenants.upsertBySlug({ slug: 'umbrella', name: 'Umbrella' })));
      expect(new Set(racing.map((t) => t.id)).size).toBe(1);
      expect(await database.db.tenant.count({ where: { slug: 'umbrella' } })).toBe(1);
    });
  });

  describe('workflows', () => {
    it('upsert reports changed only when a value (the decrypted key included) differs', async () => {
      const again = await repos.workflows.upsert(workflowInput(a.id));
      expect(again).toEqual({ id: a.workflowId, changed: false });
      // Same JSON, other key order: still unchanged (PostgreSQL's jsonb reorders keys).
      const reordered = await repos.workflows.upsert(
        workflowInput(a.id, { settings: { fallbackText: 'sorry', retry: { backoffMs: 500, attempts: 3 } }, inputMapping: { channel: '{{platform}}', customer: '{{sender.id}}' } }),
      );
      expect(reordered.changed).toBe(false);
      expect((await repos.workflows.upsert(workflowInput(a.id, { apiKey: 'app-rotated-key-000000' }))).changed).toBe(true);
      expect((await repos.workflows.getConfig(a.id, a.workflowId))?.apiKey).toBe('app-rotated-key-000000');
      expect((await repos.workflows.upsert(workflowInput(a.id, { timeoutMs: 5_000 }))).changed).toBe(true);
      expect((await repos.workflows.upsert(workflowInput(a.id))).changed).toBe(true);
      expect((await repos.workflows.upsert(workflowInput(a.id))).changed).toBe(false);
    });

    it('getConfig decrypts for the owner; getConfigForWorker by id; a foreign tenant sees nothing', async () => {
      const config = await repos.workflows.getConfig(a.id, a.workflowId);
      expect(config).toMatchObject({ id: a.workflowId, tenantId: a.id, kind: 'dify_chat', apiKey: API_KEY, responseMode: 'streaming', outputSelector: null });
      expect(config?.inputMapping).toEqual({ customer: '{{sender.id}}', channel: '{{platform}}' });
      expect(await repos.workflows.getConfigForWorker(a.workflowId)).toEqual(config);
      expect(await repos.workflows.getConfig(b.id, a.workflowId)).toBeNull();
      expect(await repos.workflows.getConfigForWorker('no-such-id')).toBeNull();
    });

    it('list masks the key', async () => {
      const listed = await repos.workflows.list(a.id);
      expect(listed.map((w) => w.id)).toEqual([a.workflowId]);
      expect(JSON.stringify(listed)).not.toContain(API_KEY);
      expect(listed[0]?.apiKeyMasked).toBe(`••••${API_KEY.slice(-4)}`);
    });

    it('stores the key sealed, bound to its tenant', async () => {
      const raw = await rawColumn('workflows', 'api_key', a.workflowId);
      expect(raw).toMatch(/^v1:/);
      expect(raw).not.toContain(API_KEY);
      // The ciphertext copied into another tenant's row does not open there.
      await database.db.workflow.update({ where: { id: b.workflowId }, data: { apiKey: raw } });
      await expect(repos.workflows.getConfig(b.id, b.workflowId)).rejects.toBeInstanceOf(SecretBoxError);
      // Re-applying the config repairs a value that no longer opens.
      expect(await repos.workflows.upsert(workflowInput(b.id))).toEqual({ id: b.workflowId, changed: true });
      expect((await repos.workflows.getConfig(b.id, b.workflowId))?.apiKey).toBe(API_KEY);
    });

    it('refuses an unknown kind', async () => {
      await expect(repos.workflows.upsert(workflowInput(a.id, { name: 'bad', kind: 'langchain' }))).rejects.toBeInstanceOf(ConfigError);
    });
  });

  describe('bots', () => {
    it('upsert compares decrypted credentials and settings', async () => {
      expect(await repos.bots.upsert(botInput(a.id, a.workflowId))).toEqual({ id: a.botId, changed: false });
      expect((await repos.bots.upsert(botInput(a.id, a.workflowId, { credentials: { signingSecret: 'signing-secret-value-123', botToken: BOT_SECRET } }))).changed).toBe(false);
      expect((await repos.bots.upsert(botInput(a.id, a.workflowId, { enabled: false }))).changed).toBe(true);
      expect((await repos.bots.upsert(botInput(a.id, a.workflowId, { credentials: { botToken: 'xoxb-new', signingSecret: 's' } }))).changed).toBe(true);
      expect((await repos.bots.upsert(botInput(a.id, a.workflowId))).changed).toBe(true);
      expect((await repos.bots.upsert(botInput(a.id, a.workflowId))).changed).toBe(false);
    });

    it('keeps a pinned id and refuses a different one for an existing bot', async () => {
      const pinned = uniqueId('bot');
      expect(await repos.bots.upsert(botInput(a.id, null, { name: 'pinned', id: pinned }))).toEqual({ id: pinned, changed: true });
      await expect(repos.bots.upsert(botInput(a.id, null, { name: 'pinned', id: 'another-id' }))).rejects.toMatchObject({ code: 'id_conflict' });
    });

    it("refuses another tenant's workflow", async () => {
      await expect(repos.bots.upsert(botInput(a.id, b.workflowId, { name: 'sneaky' }))).rejects.toBeInstanceOf(ConfigError);
    });

    it('getRuntime decrypts; listEnabled covers every tenant; list masks and is tenant-scoped', async () => {
      const runtime = await repos.bots.getRuntime(a.botId);
      expect(runtime).toMatchObject({ id: a.botId, tenantId: a.id, platform: 'slack', mode: 'events_http', enabled: true, workflowId: a.workflowId, approvalPolicy: 'none' });
      expect(runtime?.credentials).toEqual({ botToken: BOT_SECRET, signingSecret: 'signing-secret-value-123' });
      expect(await repos.bots.getRuntime('no-such-id')).toBeNull();

      const enabled = (await repos.bots.listEnabled()).map((bot) => bot.id);
      expect(enabled).toEqual(expect.arrayContaining([a.botId, b.botId]));
      await repos.bots.upsert(botInput(b.id, b.workflowId, { name: 'off', enabled: false }));
      expect((await repos.bots.listEnabled()).some((bot) => bot.name === 'off')).toBe(false);

      const listed = await repos.bots.list(a.id);
      expect(listed.every((bot) => bot.tenantId === a.id)).toBe(true);
      expect(JSON.stringify(listed)).not.toContain(BOT_SECRET);
      expect(listed.find((bot) => bot.id === a.botId)?.credentialsMasked.botToken).toBe(`••••${BOT_SECRET.slice(-4)}`);
      expect(await repos.bots.get(b.id, a.botId)).toBeNull();
    });

    it('stores credentials sealed, bound to their tenant', async () => {
      const raw = await rawColumn('bots', 'credentials', a.botId);
      expect(raw).toMatch(/^v1:/);
      expect(raw).not.toContain(BOT_SECRET);
      expect(raw).not.toContain('botToken');
      await database.db.bot.update({ where: { id: b.botId }, data: { credentials: raw } });
      await expect(repos.bots.getRuntime(b.botId)).rejects.toMatchObject({ code: 'secret_tampered' });
      expect(await repos.bots.upsert(botInput(b.id, b.workflowId))).toEqual({ id: b.botId, changed: true });
      expect((await repos.bots.getRuntime(b.botId))?.credentials.botToken).toBe(BOT_SECRET);
    });

    it('reseals with the newest key when the config is applied again, without reporting a change', async () => {
      const rotated = createRepositories(database, createSecretBox([{ version: 1, key: secretKey }, { version: 2, key: randomBytes(32) }]));
      expect(await rotated.bots.upsert(botInput(a.id, a.workflowId))).toEqual({ id: a.botId, changed: false });
      expect(await rawColumn('bots', 'credentials', a.botId)).toMatch(/^v2:/);
      expect((await rotated.bots.getRuntime(a.botId))?.credentials.botToken).toBe(BOT_SECRET);
      await expect(repos.bots.getRuntime(a.botId)).rejects.toMatchObject({ code: 'secret_key_unknown' });
      await repos.bots.upsert(botInput(a.id, a.workflowId));
      expect(await rawColumn('bots', 'credentials', a.botId)).toMatch(/^v1:/);
    });
  });

  describe('messages', () => {
    it('insertBatch dedupes against stored rows and inside one batch, answering in input order', async () => {
      const [m1, m2] = [uniqueId('m'), uniqueId('m')];
      const first = await repos.messages.insertBatch([message(a, m1), message(a, m2), message(a, m1)]);
      expect(first.map((r) => [r.platformMessageId, r.duplicate])).toEqual([
        [m1, false],
        [m2, false],
        [m1, true],
      ]);
      expect(first[2]?.id).toBe(first[0]?.id);

      const m3 = uniqueId('m');
      const second = await repos.messages.insertBatch([message(a, m2), message(a, m3)]);
      expect(second).toEqual([
        { id: first[1]?.id, platformMessageId: m2, duplicate: true },
        { id: expect.any(String), platformMessageId: m3, duplicate: false },
      ]);
      // The same platform id under another bot is another message.
      const other = await repos.messages.insertBatch([message(b, m1)]);
      expect(other[0]?.duplicate).toBe(false);
      expect(other[0]?.id).not.toBe(first[0]?.id);
      expect(await repos.messages.insertBatch([])).toEqual([]);
    });

    it('stores every field (raw insert readable by Prisma: dates, JSON, nulls)', async () => {
      const pm = uniqueId('m');
      const [row] = await repos.messages.insertBatch([message(a, pm, { senderName: undefined, traceId: undefined })]);
      const stored = await repos.messages.getForWorker(row?.id ?? '');
      expect(stored).toMatchObject({
        tenantId: a.id,
        botId: a.botId,
        platformMessageId: pm,
        senderName: null,
        traceId: null,
        status: 'queued',
        attempts: 0,
        receivedAt: new Date('2024-05-01T08:00:00.123Z'),
        payload: message(a, pm).payload,
      });
      expect(stored?.createdAt).toBeInstanceOf(Date);
      expect(Math.abs((stored?.updatedAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    });

    it('concurrent batches with overlapping ids store each message once and agree on its id', async () => {
      const ids = Array.from({ length: 30 }, () => uniqueId('c'));
      const batches = Array.from({ length: 6 }, (_, i) => ids.slice(i * 4, i * 4 + 12).map((id) => message(a, id)));
      const results = (await Promise.all(batches.map((batch) => repos.messages.insertBatch(batch)))).flat();
      const byPlatformId = new Map<string, { ids: Set<string>; fresh: number }>();
      for (const r of results) {
        const entry = byPlatformId.get(r.platformMessageId) ?? { ids: new Set(), fresh: 0 };
        entry.ids.add(r.id);
        if (!r.duplicate) entry.fresh++;
        byPlatformId.set(r.platformMessageId, entry);
      }
      for (const [pm, entry] of byPlatformId) {
        expect(entry.ids.size, pm).toBe(1);
        expect(entry.fresh, pm).toBe(1);
      }
      expect(await database.db.message.count({ where: { platformMessageId: { in: [...byPlatformId.keys()] } } })).toBe(byPlatformId.size);
    });

    it('insertBatch handles batches larger than one statement chunk', async () => {
      const rows = Array.from({ length: 1_100 }, (_, i) => message(a, `bulk-${seq}-${i}`, { conversationKey: 'bulk' }));
      const inserted = await repos.messages.insertBatch(rows);
      expect(inserted.filter((r) => !r.duplicate)).toHaveLength(1_100);
      expect((await repos.messages.insertBatch(rows.slice(0, 600))).every((r) => r.duplicate)).toBe(true);
      await database.db.message.deleteMany({ where: { conversationKey: 'bulk' } });
    });

    it('claimForWorker lets exactly one of many racing workers win, and counts the attempt', async () => {
      const [row] = await repos.messages.insertBatch([message(a, uniqueId('claim'))]);
      const id = row?.id ?? '';
      const wins = await Promise.all(Array.from({ length: 8 }, () => repos.messages.claimForWorker(id, ['queued'], 'running')));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await repos.messages.getForWorker(id)).toMatchObject({ status: 'running', attempts: 1 });
      expect(await repos.messages.claimForWorker(id, ['queued', 'running'], 'running')).toBe(true);
      expect((await repos.messages.getForWorker(id))?.attempts).toBe(2);
      expect(await repos.messages.claimForWorker(id, ['queued'], 'running')).toBe(false);
      expect(await repos.messages.claimForWorker(id, ['running'], 'awaiting_approval')).toBe(true);
      expect(await repos.messages.getForWorker(id)).toMatchObject({ status: 'awaiting_approval', attempts: 2 });
    });

    it('keeps the retry budget on the row: the first claim stamps firstAttemptAt, retries add tries', async () => {
      const [row] = await repos.messages.insertBatch([message(a, uniqueId('budget'))]);
      const id = row?.id ?? '';
      expect(await repos.messages.getForWorker(id)).toMatchObject({ attempts: 0, firstAttemptAt: null, warning: null });
      const first = new Date('2026-11-21T10:00:00.000Z');
      expect(await repos.messages.claimForWorker(id, ['queued'], 'running', { firstAttemptAt: first })).toBe(true);
      await repos.messages.addAttempt(id);
      await repos.messages.addAttempt(id);
      expect(await repos.messages.getForWorker(id)).toMatchObject({ attempts: 3, firstAttemptAt: first });
      expect(await repos.messages.claimForWorker(id, ['running'], 'running')).toBe(true);
      expect(await repos.messages.getForWorker(id)).toMatchObject({ attempts: 4, firstAttemptAt: first });
      await repos.messages.setStatusForWorker(id, 'replied', { warning: 'file a.pdf could not be uploaded; sent as a link', finished: true });
      expect(await repos.messages.getForWorker(id)).toMatchObject({ status: 'replied', warning: 'file a.pdf could not be uploaded; sent as a link' });
    });

    it('setStatusForWorker sets, keeps or clears the error and stamps finishedAt', async () => {
      const [row] = await repos.messages.insertBatch([message(a, uniqueId('st'))]);
      const id = row?.id ?? '';
      await repos.messages.setStatusForWorker(id, 'queued', { errorCode: 'dify_timeout', lastError: 'timed out' });
      expect(await repos.messages.getForWorker(id)).toMatchObject({ status: 'queued', errorCode: 'dify_timeout', lastError: 'timed out', finishedAt: null });
      await repos.messages.setStatusForWorker(id, 'running');
      expect(await repos.messages.getForWorker(id)).toMatchObject({ status: 'running', errorCode: 'dify_timeout' });
      await repos.messages.setStatusForWorker(id, 'replied', { errorCode: null, lastError: null, finished: true });
      const done = await repos.messages.getForWorker(id);
      expect(done).toMatchObject({ status: 'replied', errorCode: null, lastError: null });
      expect(done?.finishedAt).toBeInstanceOf(Date);
    });

    it('isHeadOfConversation: only when no earlier message of the conversation is queued or running', async () => {
      const key = uniqueId('conv');
      const [first, second, third] = await repos.messages.insertBatch([uniqueId('h'), uniqueId('h'), uniqueId('h')].map((pm) => message(a, pm, { conversationKey: key })));
      const [elsewhere] = await repos.messages.insertBatch([message(a, uniqueId('h'), { conversationKey: `${key}-other` })]);
      expect(await repos.messages.isHeadOfConversation(key, first?.id ?? '')).toBe(true);
      expect(await repos.messages.isHeadOfConversation(key, second?.id ?? '')).toBe(false);
      expect(await repos.messages.isHeadOfConversation(`${key}-other`, elsewhere?.id ?? '')).toBe(true);
      await repos.messages.claimForWorker(first?.id ?? '', ['queued'], 'running');
      expect(await repos.messages.isHeadOfConversation(key, second?.id ?? '')).toBe(false);
      await repos.messages.setStatusForWorker(first?.id ?? '', 'replied', { finished: true });
      expect(await repos.messages.isHeadOfConversation(key, second?.id ?? '')).toBe(true);
      expect(await repos.messages.isHeadOfConversation(key, third?.id ?? '')).toBe(false);
      await repos.messages.setStatusForWorker(second?.id ?? '', 'failed', { finished: true });
      expect(await repos.messages.isHeadOfConversation(key, third?.id ?? '')).toBe(true);
    });

    it('isHeadOfConversation sees an earlier message of the conversation behind many unfinished ones of others', async () => {
      const key = uniqueId('conv');
      const [head] = await repos.messages.insertBatch([message(a, uniqueId('h'), { conversationKey: key })]);
      await repos.messages.insertBatch(Array.from({ length: 300 }, (_, i) => message(a, uniqueId('noise'), { conversationKey: `${key}-n${i % 30}` })));
      const [later] = await repos.messages.insertBatch([message(a, uniqueId('h'), { conversationKey: key })]);
      await repos.messages.claimForWorker(head!.id, ['queued'], 'running');
      expect(await repos.messages.isHeadOfConversation(key, later!.id)).toBe(false);
      await repos.messages.setStatusForWorker(head!.id, 'replied', { finished: true });
      expect(await repos.messages.isHeadOfConversation(key, later!.id)).toBe(true);
    });

    it("nextQueuedInConversation: the conversation's oldest queued message after the given one, never another's", async () => {
      const key = uniqueId('conv');
      const [first] = await repos.messages.insertBatch([message(a, uniqueId('w'), { conversationKey: key })]);
      await repos.messages.insertBatch(Array.from({ length: 20 }, () => message(a, uniqueId('other'), { conversationKey: `${key}-other` })));
      const [second, third] = await repos.messages.insertBatch([message(a, uniqueId('w'), { conversationKey: key }), message(a, uniqueId('w'), { conversationKey: key })]);
      expect(await repos.messages.nextQueuedInConversation(key, first!.id)).toBe(second!.id);
      await repos.messages.claimForWorker(second!.id, ['queued'], 'running');
      expect(await repos.messages.nextQueuedInConversation(key, first!.id)).toBe(third!.id);
      expect(await repos.messages.nextQueuedInConversation(key, third!.id)).toBeNull();
      expect(await repos.messages.nextQueuedInConversation(`${key}-none`, first!.id)).toBeNull();
    });

    it('findIdsByStatus answers oldest first, filtered by updatedBefore, paged by limit and afterId', async () => {
      const status = `sweep_${seq}`;
      const inserted = await repos.messages.insertBatch(Array.from({ length: 5 }, () => message(a, uniqueId('sw'))));
      for (const row of inserted) await repos.messages.setStatusForWorker(row.id, status as 'queued');
      const ids = inserted.map((r) => r.id);
      expect(await repos.messages.findIdsByStatus([status], { limit: 10 })).toEqual(ids);
      expect(await repos.messages.findIdsByStatus([status], { limit: 2 })).toEqual(ids.slice(0, 2));
      expect(await repos.messages.findIdsByStatus([status], { limit: 2, afterId: ids[1] })).toEqual(ids.slice(2, 4));
      expect(await repos.messages.findIdsByStatus([status], { limit: 10, updatedBefore: new Date(Date.now() + 60_000) })).toEqual(ids);
      expect(await repos.messages.findIdsByStatus([status], { limit: 10, updatedBefore: new Date(Date.now() - 60_000) })).toEqual([]);
    });

    it('list, get and countByStatus are tenant-scoped; list pages newest first', async () => {
      const [mine] = await repos.messages.insertBatch([message(a, uniqueId('scope'))]);
      const [theirs] = await repos.messages.insertBatch([message(b, uniqueId('scope'))]);
      expect(await repos.messages.get(a.id, mine?.id ?? '')).toMatchObject({ id: mine?.id });
      expect(await repos.messages.get(b.id, mine?.id ?? '')).toBeNull();

      const page1 = await repos.messages.list(b.id, { limit: 2 });
      expect(page1.items.every((m) => m.tenantId === b.id)).toBe(true);
      expect(page1.items[0]?.id).toBe(theirs?.id);
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repos.messages.list(b.id, { limit: 2, cursor });
        all.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(all).toEqual([...all].sort().reverse());
      expect(all).toHaveLength(await database.db.message.count({ where: { tenantId: b.id } }));
      expect((await repos.messages.list(b.id, { limit: 50, botId: a.botId })).items).toEqual([]);
      expect((await repos.messages.list(a.id, { limit: 500, status: 'awaiting_approval' })).items.every((m) => m.status === 'awaiting_approval')).toBe(true);

      const countsA = await repos.messages.countByStatus(a.id);
      const countsB = await repos.messages.countByStatus(b.id);
      const countsAll = await repos.messages.countByStatus();
      const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
      expect(total(countsB)).toBe(all.length);
      expect(total(countsAll)).toBe(total(countsA) + total(countsB));
    });
  });

  describe('conversations', () => {
    const key = (tenant: Tenant, platformConversationId: string) => ({ tenantId: tenant.id, botId: tenant.botId, platformConversationId, threadKey: '', type: 'group' });

    it('upsert is race-safe: concurrent calls for one key end with one row', async () => {
      const pc = uniqueId('C');
      const rows = await Promise.all(Array.from({ length: 8 }, () => repos.conversations.upsert(key(a, pc))));
      expect(new Set(rows.map((r) => r.id)).size).toBe(1);
      expect(await database.db.conversation.count({ where: { platformConversationId: pc } })).toBe(1);
      const thread = await repos.conversations.upsert({ ...key(a, pc), threadKey: '1700000000.000100' });
      expect(thread.id).not.toBe(rows[0]?.id);
    });

    it('acquireLock: one owner at a time, renewable by its owner, free again after expiry or release', async () => {
      let now = new Date('2024-05-01T00:00:00Z');
      const clocked = new ConversationRepository(database.db, () => now);
      const { id } = await repos.conversations.upsert(key(a, uniqueId('L')));
      expect(await clocked.acquireLock(id, 'worker-1', 30_000)).toBe(true);
      expect(await clocked.acquireLock(id, 'worker-2', 30_000)).toBe(false);
      expect(await clocked.acquireLock(id, 'worker-1', 30_000)).toBe(true);
      await clocked.releaseLock(id, 'worker-2');
      expect(await clocked.acquireLock(id, 'worker-2', 30_000)).toBe(false);
      now = new Date(now.getTime() + 30_001);
      expect(await clocked.acquireLock(id, 'worker-2', 30_000)).toBe(true);
      expect(await clocked.acquireLock(id, 'worker-1', 30_000)).toBe(false);
      await clocked.releaseLock(id, 'worker-1');
      expect(await clocked.acquireLock(id, 'worker-1', 30_000)).toBe(false);
      await clocked.releaseLock(id, 'worker-2');
      expect(await clocked.acquireLock(id, 'worker-1', 30_000)).toBe(true);
    });

    it('acquireLock races: exactly one of many workers wins a free lock', async () => {
      const { id } = await repos.conversations.upsert(key(a, uniqueId('R')));
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => repos.conversations.acquireLock(id, `w${i}`, 30_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('setWorkflowConversationId and get are tenant-scoped', async () => {
      const { id } = await repos.conversations.upsert(key(a, uniqueId('W')));
      await repos.conversations.setWorkflowConversationId(a.id, id, 'dify-conv-1');
      await repos.conversations.setWorkflowConversationId(b.id, id, 'hijacked');
      expect((await repos.conversations.get(a.id, id))?.workflowConversationId).toBe('dify-conv-1');
      expect(await repos.conversations.get(b.id, id)).toBeNull();
      await repos.conversations.setWorkflowConversationId(a.id, id, null);
      expect((await repos.conversations.get(a.id, id))?.workflowConversationId).toBeNull();
    });
  });

  describe('runs and deliveries', () => {
    it('record attempts; the worker finds the latest finished run and sent delivery', async () => {
      const [m] = await repos.messages.insertBatch([message(a, uniqueId('run'))]);
      const messageId = m?.id ?? '';
      expect(await repos.runs.findSucceededForWorker(messageId)).toBeNull();
      const failed = await repos.runs.start({ tenantId: a.id, messageId, workflowId: a.workflowId, attempt: 1, inputs: { customer: 'U1' } });
      await repos.runs.fail(failed, { errorCode: 'dify_unavailable', error: '502 Bad Gateway' });
      expect(await repos.runs.findSucceededForWorker(messageId)).toBeNull();
      const ok = await repos.runs.start({ tenantId: a.id, messageId, workflowId: a.workflowId, attempt: 2, inputs: {} });
      await repos.runs.succeed(ok, {
        answer: 'Hi Ada',
        files: [{ name: 'a.png', url: 'https://x/a.png' }],
        promptTokens: 10,
        completionTokens: 5,
        totalTokens: 15,
        totalPrice: '0.0001',
        currency: 'USD',
        latencyMs: 1234,
        providerMessageId: 'msg-1',
        workflowConversationId: 'conv-1',
      });
      expect(await repos.runs.findSucceededForWorker(messageId)).toMatchObject({
        id: ok,
        status: 'succeeded',
        answer: 'Hi Ada',
        totalPrice: '0.0001',
        files: [{ name: 'a.png', url: 'https://x/a.png' }],
        humanInput: null,
      });
      expect((await repos.runs.listForMessage(a.id, messageId)).map((r) => [r.attempt, r.status, r.errorCode])).toEqual([
        [1, 'failed', 'dify_unavailable'],
        [2, 'succeeded', null],
      ]);
      expect(await repos.runs.listForMessage(b.id, messageId)).toEqual([]);

      expect(await repos.deliveries.findSentForWorker(messageId, 'reply')).toBeNull();
      const lost = await repos.deliveries.start({ tenantId: a.id, messageId, runId: ok, kind: 'reply' });
      await repos.deliveries.markFailed(lost, { errorCode: 'platform_rate_limited', error: '429' });
      expect(await repos.deliveries.findSentForWorker(messageId, 'reply')).toBeNull();
      const sent = await repos.deliveries.start({ tenantId: a.id, messageId, runId: ok, kind: 'reply' });
      await repos.deliveries.markSent(sent, { platformMessageId: '1700000000.000200', ref: { platformMessageId: '1700000000.000200', data: { channel: 'C1' } } });
      expect(await repos.deliveries.findSentForWorker(messageId, 'reply')).toMatchObject({ id: sent, status: 'sent', platformMessageId: '1700000000.000200' });
      expect(await repos.deliveries.findSentForWorker(messageId, 'fallback')).toBeNull();
      expect((await repos.deliveries.listForMessage(a.id, messageId)).map((d) => d.status)).toEqual(['failed', 'sent']);
      expect(await repos.deliveries.listForMessage(b.id, messageId)).toEqual([]);
    });

    it('carries a delivery\'s progress from attempt to attempt', async () => {
      const [m] = await repos.messages.insertBatch([message(a, uniqueId('progress'))]);
      const messageId = m?.id ?? '';
      expect(await repos.deliveries.progressOf(messageId, 'reply')).toBeNull();
      const first = await repos.deliveries.start({ tenantId: a.id, messageId, runId: null, kind: 'reply' });
      const parts = { text: { text: true, ids: ['1700000000.000300'], data: { mode: 'post' } } };
      await repos.deliveries.recordProgress(first, parts);
      await repos.deliveries.markFailed(first, { errorCode: 'slack_upload_http_500', error: 'upload failed' });
      expect(await repos.deliveries.progressOf(messageId, 'reply')).toEqual(parts);
      expect(await repos.deliveries.progressOf(messageId, 'fallback')).toBeNull();
      const second = await repos.deliveries.start({ tenantId: a.id, messageId, runId: null, kind: 'reply', progress: parts });
      expect(await repos.deliveries.progressOf(messageId, 'reply')).toEqual(parts);
      const more = { ...parts, 'file:0': { ids: ['F1'], warning: 'file a.pdf could not be uploaded; sent as a link' } };
      await repos.deliveries.recordProgress(second, more);
      expect(await repos.deliveries.progressOf(messageId, 'reply')).toEqual(more);
    });

    it('a paused run (human input) counts as finished', async () => {
      const [m] = await repos.messages.insertBatch([message(a, uniqueId('pause'))]);
      const id = await repos.runs.start({ tenantId: a.id, messageId: m?.id ?? '', workflowId: null, attempt: 1, inputs: null });
      await repos.runs.succeed(id, { answer: '', status: 'paused', humanInput: { form: { fields: ['approve'] } } });
      expect(await repos.runs.findSucceededForWorker(m?.id ?? '')).toMatchObject({ id, status: 'paused', humanInput: { form: { fields: ['approve'] } } });
    });
  });

  describe('approvals', () => {
    it('one per message, first decision wins, tenant-scoped', async () => {
      const [m] = await repos.messages.insertBatch([message(a, uniqueId('ap'))]);
      const messageId = m?.id ?? '';
      const created = await repos.approvals.create({ tenantId: a.id, messageId, runId: null, draft: 'draft answer' });
      expect((await repos.approvals.create({ tenantId: a.id, messageId, runId: null, draft: 'again' })).id).toBe(created.id);
      expect(await repos.approvals.get(b.id, created.id)).toBeNull();
      expect(await repos.approvals.decide(b.id, created.id, { status: 'approved', decidedBy: 'intruder' })).toBe(false);
      expect((await repos.approvals.list(a.id, { status: 'pending', limit: 100 })).map((x) => x.id)).toContain(created.id);
      expect(await repos.approvals.decide(a.id, created.id, { status: 'approved', decidedBy: 'u1', editedText: 'edited' })).toBe(true);
      expect(await repos.approvals.decide(a.id, created.id, { status: 'rejected', decidedBy: 'u2' })).toBe(false);
      expect(await repos.approvals.getByMessage(a.id, messageId)).toMatchObject({ status: 'approved', decidedBy: 'u1', editedText: 'edited' });
      await repos.approvals.setPostedRef(a.id, created.id, { channel: 'C1', ts: '1.2' });
      expect((await repos.approvals.get(a.id, created.id))?.postedRef).toEqual({ channel: 'C1', ts: '1.2' });
    });
  });

  describe('users, memberships, sessions, audit', () => {
    it('work and stay scoped', async () => {
      const email = `${uniqueId('ada')}@Example.com`;
      const user = await repos.users.create({ email, name: 'Ada', passwordHash: 'scrypt$...' });
      expect((await repos.users.getByEmail(email.toUpperCase()))?.id).toBe(user.id);
      await repos.memberships.grant({ tenantId: a.id, userId: user.id, role: 'builder' });
      await repos.memberships.grant({ tenantId: a.id, userId: user.id, role: 'admin' });
      expect(await repos.memberships.get(a.id, user.id)).toMatchObject({ role: 'admin' });
      expect(await repos.memberships.get(b.id, user.id)).toBeNull();
      expect((await repos.users.listForTenant(a.id)).map((u) => u.id)).toContain(user.id);
      expect((await repos.users.listForTenant(b.id)).map((u) => u.id)).not.toContain(user.id);
      expect((await repos.memberships.listForUser(user.id)).map((m) => m.tenantId)).toEqual([a.id]);

      const session = await repos.sessions.create({ userId: user.id, tokenHash: uniqueId('hash'), expiresAt: new Date(Date.now() + 60_000) });
      expect((await repos.sessions.findValid(session.tokenHash))?.id).toBe(session.id);
      expect(await repos.sessions.findValid(session.tokenHash, new Date(Date.now() + 120_000))).toBeNull();
      expect(await repos.sessions.deleteExpired(new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1);
      expect(await repos.sessions.findValid(session.tokenHash)).toBeNull();

      const entry = await repos.audit.record({ tenantId: a.id, actorUserId: user.id, action: 'bot.update', targetType: 'bot', targetId: a.botId, details: { enabled: false } });
      expect((await repos.audit.list(a.id, { limit: 10 })).map((x) => x.id)).toContain(entry);
      expect((await repos.audit.list(b.id, { limit: 10 })).map((x) => x.id)).not.toContain(entry);
      expect(await repos.memberships.revoke(a.id, user.id)).toBe(true);
    });
  });
}

describe('repositories on SQLite', () => repositoryContract(sqliteTestDatabase));
describeWithPostgres('repositories on PostgreSQL', () => repositoryContract(postgresTestDatabase));
