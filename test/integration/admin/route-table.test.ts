/**
 * Walks the admin route table (the same table the router serves and the OpenAPI document describes) on a real
 * server: every non-public route answers 401 without credentials; every tenant route called with another tenant's
 * ids answers 404 and changes nothing; the role matrix (admin, builder, operator; session and API token; instance
 * admin) answers 403 exactly where the table says, without side effects; every successful change writes an audit
 * entry; and no answer of a full walk contains a stored secret.
 */
import { readFileSync, existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../src/admin/auth/principal.js';
import { hashToken } from '../../../src/admin/auth/secret-tokens.js';
import type { AnyRoute } from '../../../src/admin/route.js';
import { ADMIN_ROUTES } from '../../../src/admin/routes/index.js';
import type { Runtime } from '../../../src/main.js';
import { startFakeWecom } from '../../fakes/fake-wecom.js';
import { randomEncodingAesKey } from '../../fakes/fake-wecom-callbacks.js';
import { ApiClient, forEachDatabase, makeUser, startAdminServer, type AdminServer, type ApiResponse } from './support.js';

const API = '/api/v1';
const tenantRoutes = ADMIN_ROUTES.filter((r) => r.access.kind === 'tenant');

interface Fixture {
  tenantId: string;
  botId: string;
  workflowId: string;
  /** A member of this tenant only. */
  userId: string;
  tokenId: string;
  /** A failed message (a dead letter) in a conversation. */
  messageId: string;
  conversationId: string;
}

/** Secrets stored by the fixtures: none may ever appear in an answer. */
const secrets: string[] = [];

function secret(label: string): string {
  const value = `${label}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
  secrets.push(value);
  return value;
}

async function seedTenant(runtime: Runtime, slug: string): Promise<Fixture> {
  const { repos } = runtime;
  const tenant = await repos.tenants.create({ slug, name: slug });
  const workflow = await repos.workflows.upsert({
    tenantId: tenant.id, name: 'flow', kind: 'dify_chat', baseUrl: 'http://127.0.0.1:9/v1', apiKey: secret('difykey'), inputMapping: {}, outputSelector: null, responseMode: 'blocking', timeoutMs: 10_000, settings: {},
  });
  const aesKey = randomEncodingAesKey();
  secrets.push(aesKey);
  const bot = await repos.bots.upsert({
    tenantId: tenant.id, name: 'bot', platform: 'wecom', mode: 'app',
    credentials: { corpId: 'wwcorp', agentId: '1000002', secret: secret('wecomsecret'), token: `Tok${Math.random().toString(36).slice(2, 12)}`, encodingAesKey: aesKey },
    settings: {}, enabled: true, workflowId: workflow.id, approvalPolicy: 'none',
  });
  const stored = await repos.bots.getRuntime(bot.id);
  secrets.push(stored?.credentials.token as string);
  const member = await makeUser(runtime, { email: `member@${slug}.example.com`, tenantId: tenant.id, role: 'operator', password: secret('password') });
  const tokenSecret = `sbp_${secret('apitoken').replace(/[^A-Za-z0-9]/g, '')}`;
  secrets.push(tokenSecret);
  const token = await repos.apiTokens.create({ userId: member.id, tenantId: tenant.id, name: 'member token', role: 'operator', tokenHash: hashToken(tokenSecret), expiresAt: null });
  const conversation = await repos.conversations.upsert({ tenantId: tenant.id, botId: bot.id, platformConversationId: 'chat-1', threadKey: '', type: 'direct' });
  await repos.conversations.setWorkflowConversationId(tenant.id, conversation.id, 'dify-conversation-1');
  const [inserted] = await repos.messages.insertBatch([
    { tenantId: tenant.id, botId: bot.id, platform: 'wecom', platformMessageId: 'pm-1', conversationKey: 'k', senderId: 'u1', text: 'hello', payload: {}, receivedAt: new Date() },
  ]);
  const messageId = inserted?.id as string;
  await runtime.database.db.message.update({ where: { id: messageId }, data: { conversationId: conversation.id, status: 'failed', errorCode: 'workflow_failed', lastError: 'boom' } });
  return { tenantId: tenant.id, botId: bot.id, workflowId: workflow.id, userId: member.id, tokenId: token.id, messageId, conversationId: conversation.id };
}

/** Everything the database holds, as text: the SQLite file and its WAL, or every row of the PostgreSQL schema. */
async function databaseText(runtime: Runtime): Promise<string> {
  const url = runtime.config.database.url;
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length);
    return [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('\n');
  }
  const schema = new URL(url).searchParams.get('schema') as string;
  const client = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    const rows: string[] = [];
    for (const { table_name } of tables.rows) {
      const res = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
      rows.push(...res.rows.map((r) => r.row));
    }
    expect(rows.length).toBeGreaterThan(10);
    return rows.join('\n');
  } finally {
    await client.end();
  }
}

const idsOf = (f: Fixture): Record<string, string> => ({
  tenantId: f.tenantId, botId: f.botId, workflowId: f.workflowId, userId: f.userId, tokenId: f.tokenId, messageId: f.messageId, conversationId: f.conversationId,
});

function pathOf(route: AnyRoute, ids: Record<string, string>): string {
  return API + route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[name];
    if (value === undefined) throw new Error(`no id for :${name} in ${route.path}`);
    return value;
  });
}

function queryOf(route: AnyRoute): string {
  const query = route.example?.query;
  return query ? `?${new URLSearchParams(query).toString()}` : '';
}

/** Everything the API can change, minus what merely reading updates (last seen, last used). */
async function snapshot(runtime: Runtime): Promise<string> {
  const db = runtime.database.db;
  const [tenants, users, memberships, tokens, bots, workflows, audit, sessions, messages, conversations] = await Promise.all([
    db.tenant.findMany({ orderBy: { id: 'asc' } }),
    db.user.findMany({ orderBy: { id: 'asc' }, omit: { lastLoginAt: true } }),
    db.membership.findMany({ orderBy: { id: 'asc' } }),
    db.apiToken.findMany({ orderBy: { id: 'asc' }, omit: { lastUsedAt: true } }),
    db.bot.findMany({ orderBy: { id: 'asc' } }),
    db.workflow.findMany({ orderBy: { id: 'asc' } }),
    db.auditLog.count(),
    db.session.findMany({ orderBy: { id: 'asc' }, select: { id: true, expiresAt: true } }),
    db.message.findMany({ orderBy: { id: 'asc' } }),
    db.conversation.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify({ tenants, users, memberships, tokens, bots, workflows, audit, sessions, messages, conversations });
}

/**
 * The answer's text, minus the one place a stored secret belongs: a WeCom bot's connection test shows the callback
 * Token and EncodingAESKey the user pastes into the WeCom console (its setup facts), and nothing else of them.
 */
function pastedByDesign(route: string, res: ApiResponse): string {
  if (route !== 'testBot' || res.status !== 200) return res.text;
  const { token, encodingAesKey, ...setup } = res.json.setup as Record<string, string>;
  expect(typeof token === 'string' && typeof encodingAesKey === 'string', 'the WeCom setup facts').toBe(true);
  return JSON.stringify({ ...res.json, setup });
}

forEachDatabase('admin route table', (database) => {
  let server: AdminServer;
  let wecom: Awaited<ReturnType<typeof startFakeWecom>>;
  let a: Fixture;
  let b: Fixture;
  const answers: { route: string; res: ApiResponse }[] = [];
  /** Clients per column of the role matrix, all in tenant A. */
  const columns: { label: string; client: ApiClient; role: Role; token: boolean; instanceAdmin: boolean }[] = [];
  let root: ApiClient;

  const call = async (client: ApiClient, route: AnyRoute, ids: Record<string, string>, opts: { body?: unknown; headers?: Record<string, string> } = {}) => {
    let body = 'body' in opts ? opts.body : route.example?.body;
    let headers = opts.headers;
    if (route.textBody) {
      // A text document (a tenant's YAML config) names the tenant it is for.
      if (typeof body === 'string') body = body.replace(/slug: \S+/, `slug: ${ids.tenantId === b.tenantId ? 'bravo' : 'alpha'}`);
      headers = { 'content-type': route.textBody[0] as string, ...headers };
    }
    const res = await client.call(route.method.toUpperCase(), pathOf(route, ids) + queryOf(route), { body, headers });
    answers.push({ route: route.operationId, res });
    return res;
  };

  beforeAll(async () => {
    // Connection tests reach a fake WeCom instead of the real API (no internet in CI).
    wecom = await startFakeWecom();
    server = await startAdminServer({ database, env: { WECOM_API_BASE: wecom.url }, admin: { rateLimits: { mutationsPerMinute: 10_000 } } });
    a = await seedTenant(server.runtime, 'alpha');
    b = await seedTenant(server.runtime, 'bravo');
    const rootPassword = secret('rootpassword');
    await makeUser(server.runtime, { email: 'root@example.com', instanceAdmin: true, password: rootPassword });
    root = new ApiClient(server.url);
    await root.login('root@example.com', rootPassword);
    const sessionToken = (client: ApiClient) => secrets.push(client.cookie?.split('=')[1] as string);
    sessionToken(root);
    columns.push({ label: 'instance admin', client: root, role: 'admin', token: false, instanceAdmin: true });
    for (const role of ROLES) {
      const password = secret(`${role}password`);
      const user = await makeUser(server.runtime, { email: `${role}@alpha.example.com`, tenantId: a.tenantId, role, password });
      const session = new ApiClient(server.url);
      await session.login(user.email, password);
      sessionToken(session);
      columns.push({ label: `${role} session`, client: session, role, token: false, instanceAdmin: false });
      const tokenSecret = `sbp_${secret(`${role}token`).replace(/[^A-Za-z0-9]/g, '')}`;
      secrets.push(tokenSecret);
      await server.runtime.repos.apiTokens.create({ userId: user.id, tenantId: a.tenantId, name: `${role} token`, role, tokenHash: hashToken(tokenSecret), expiresAt: null });
      columns.push({ label: `${role} token`, client: ApiClient.withToken(server.url, tokenSecret), role, token: true, instanceAdmin: false });
    }
  });
  afterAll(async () => {
    await server?.close();
    await wecom?.close();
  });

  it('the table is complete enough to walk: every change with a body has an example, every route an operation id', () => {
    for (const route of ADMIN_ROUTES) {
      if (route.body && route.method !== 'get') expect(route.example?.body, route.operationId).toBeDefined();
      if (route.example?.body !== undefined && route.body) expect(route.body.safeParse(route.example.body).success, route.operationId).toBe(true);
    }
    expect(tenantRoutes.length).toBeGreaterThan(15);
  });

  it('without a session or token every route but the public ones answers 401 (also with a made-up cookie or token)', async () => {
    const anonymous = new ApiClient(server.url);
    const forged = new ApiClient(server.url);
    forged.cookie = 'sb_session=sbs_madeup0000000000000000000000000000000000000';
    const badToken = ApiClient.withToken(server.url, 'sbp_madeup00000000000000000000000000000000000');
    const before = await snapshot(server.runtime);
    for (const route of ADMIN_ROUTES) {
      const ids = idsOf(a);
      for (const client of [anonymous, forged, badToken]) {
        const res = await call(client, route, ids);
        if (route.access.kind === 'public') expect(res.status, `${route.operationId}`).toBeLessThan(500);
        else {
          expect(res.status, `${route.operationId} ${client.bearer ? 'bearer' : client.cookie ? 'cookie' : 'none'}`).toBe(401);
          expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        }
      }
    }
    // Only the public routes may have changed something (none of them succeed with these example values).
    expect(await snapshot(server.runtime)).toBe(before);
  });

  it("every tenant route called with another tenant's ids answers 404 and changes nothing", async () => {
    const before = await snapshot(server.runtime);
    const admins = columns.filter((c) => c.role === 'admin');
    for (const route of tenantRoutes) {
      for (const { label, client } of admins) {
        // Another tenant altogether (the instance admin may see it: for them only the second case applies).
        if (label !== 'instance admin') {
          const res = await call(client, route, idsOf(b));
          expect(res.status, `${route.operationId} in tenant B by ${label}`).toBe(404);
        }
        // Our own tenant, their resources (a route closed to tokens answers them 403 before looking anything up).
        if (Object.keys(route.params?.shape ?? {}).length > 1 && !(route.access.kind === 'tenant' && route.access.sessionOnly && client.bearer)) {
          const res = await call(client, route, { ...idsOf(b), tenantId: a.tenantId });
          expect(res.status, `${route.operationId} with B's ids under A by ${label}`).toBe(404);
          expect(res.json.error.code).toBe('not_found');
        }
      }
    }
    expect(await snapshot(server.runtime)).toBe(before);
  });

  it('the role matrix: 403 exactly where the table forbids, without side effects; allowed calls get past authorization', async () => {
    const ids = idsOf(a);
    const before = await snapshot(server.runtime);
    const matrix: string[] = [];
    for (const route of ADMIN_ROUTES.filter((r) => r.access.kind !== 'public')) {
      for (const column of columns) {
        const access = route.access;
        const allowed =
          access.kind === 'user' ||
          (access.kind === 'session' && !column.token) ||
          (access.kind === 'instanceAdmin' && column.instanceAdmin) ||
          (access.kind === 'tenant' && access.roles.includes(column.role) && !(access.sessionOnly && column.token));
        // Sign-out would end the column's session: it is covered by the auth suite.
        if (route.operationId === 'logout' || route.operationId === 'changePassword') continue;
        if (!allowed) {
          // The example input would succeed if authorization let it through.
          const res = await call(column.client, route, ids);
          expect(res.status, `${route.operationId} as ${column.label}`).toBe(403);
          matrix.push(`${route.operationId} × ${column.label}: 403`);
        } else if (route.readOnly && !route.body) {
          // A check that changes nothing (a saved bot's or workflow's connection test): it answers its report.
          const res = await call(column.client, route, ids);
          expect(res.status, `${route.operationId} as ${column.label}: ${res.text}`).toBe(200);
        } else if (route.method !== 'get') {
          // Past authorization, stopped before any change: a version that never existed, an empty body, or an unknown id.
          const res = route.ifMatch
            ? await call(column.client, route, ids, { headers: { 'if-match': '"0"' } })
            : route.body
              ? await call(column.client, route, ids, { body: {} })
              : await call(column.client, route, { ...ids, userId: 'missing', tokenId: 'missing' });
          expect([401, 403], `${route.operationId} as ${column.label}: ${res.status} ${res.text}`).not.toContain(res.status);
          expect([404, 412, 422], `${route.operationId} as ${column.label}`).toContain(res.status);
        } else {
          const res = await call(column.client, route, ids);
          expect(res.status, `${route.operationId} as ${column.label}: ${res.text}`).toBe(200);
        }
      }
    }
    expect(await snapshot(server.runtime)).toBe(before);
    // Spot checks that the table itself says what the issue asks.
    expect(matrix).toContain('createBot × operator session: 403');
    expect(matrix).toContain('addMember × builder session: 403');
    expect(matrix).toContain('createTenant × admin session: 403');
    expect(matrix).toContain('createApiToken × admin token: 403');
  });

  it('a full walk as instance admin: every change succeeds with its example and writes an audit entry; no answer contains a stored secret', async () => {
    const shownOnce = new Set(['createApiToken', 'addMember', 'renewInvitation']);
    const order = [...ADMIN_ROUTES].sort((x, y) => Number(x.method === 'delete') - Number(y.method === 'delete'));
    let createdTokenId = '';
    for (const route of order) {
      if (route.access.kind === 'public' || route.operationId === 'logout' || route.operationId === 'changePassword') continue;
      const ids: Record<string, string> = { ...idsOf(a), tokenId: createdTokenId };
      if (route.operationId === 'deleteWorkflow') await root.put(`${API}/tenants/${a.tenantId}/bots/${a.botId}/workflow`, { workflowId: null });
      if (route.operationId === 'renewInvitation') {
        const invited = await root.post(`${API}/tenants/${a.tenantId}/members`, { email: 'pending@alpha.example.com', role: 'operator' });
        ids.userId = invited.json.member.userId;
      }
      const auditBefore = await server.runtime.database.db.auditLog.count();
      const res = await call(root, route, ids);
      expect(res.status, `${route.operationId}: ${res.text}`).toBeLessThan(300);
      if (route.method !== 'get' && !route.readOnly) expect(await server.runtime.database.db.auditLog.count(), route.operationId).toBeGreaterThan(auditBefore);
      if (route.operationId === 'createApiToken') createdTokenId = res.json.token.id;
      if (shownOnce.has(route.operationId)) {
        const fresh = [res.json.secret, res.json.invitation?.token].filter((s): s is string => typeof s === 'string');
        answers.pop();
        secrets.push(...fresh);
      }
    }
    expect(answers.length).toBeGreaterThan(200);
    for (const { route, res } of answers) {
      const { 'set-cookie': _cookie, ...headers } = res.headers;
      const visible = pastedByDesign(route, res) + JSON.stringify(headers);
      for (const value of secrets) expect(visible.includes(value), `${route} leaked a stored secret`).toBe(false);
    }
    // The audit log holds masked values only.
    const audit = JSON.stringify(await server.runtime.database.db.auditLog.findMany());
    for (const value of secrets) expect(audit.includes(value)).toBe(false);
    expect(audit).toContain('"requestId"');
    // Nor does the database file or dump hold any of them in clear text (hashed or sealed only).
    const stored = await databaseText(server.runtime);
    expect(stored).toContain('root@example.com');
    for (const value of secrets) expect(stored.includes(value), 'a secret in clear text in the database').toBe(false);
  });
});
