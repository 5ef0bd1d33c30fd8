/**
 * The admin API's conventions over real HTTP: one error shape, 422 with per-field details, 415/400 for bodies that are
 * not JSON, ETag/If-Match (412 on a lost update), per-session rate limits on changes, CSRF token and Origin checks,
 * the OpenAPI 3.1 document built from the route table, and the API reference page served offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../../src/admin/routes/index.js';
import { expectNoLeak } from '../server/helpers.js';
import { ApiClient, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';

describe('admin API conventions', () => {
  let server: AdminServer;
  let tenantId: string;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startAdminServer({ database: 'sqlite', env: { PUBLIC_BASE_URL: 'https://console.example.com' }, admin: { rateLimits: { mutationsPerMinute: 15 } } });
    tenantId = (await server.runtime.repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
    admin = await signedIn(server, { email: 'admin@example.com', tenantId, role: 'admin' });
  });
  afterAll(async () => server?.close());

  it('answers 422 naming every wrong field, in the one error shape', async () => {
    const res = await admin.post(`${API}/tenants/${tenantId}/members`, { email: 'not-an-address', role: 'boss' });
    expect(res.status).toBe(422);
    expectNoLeak(res.text);
    expect(Object.keys(res.json)).toEqual(['error']);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['email', 'role']);
    expect(res.json.error.details.fields[0]).toEqual({ in: 'body', path: expect.any(String), code: expect.any(String), message: expect.any(String) });
  });

  it('refuses bodies that are not JSON: 415 for another type, 400 for malformed JSON', async () => {
    const form = await admin.post(`${API}/tenants/${tenantId}/members`, 'email=a@b.c&role=admin', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const broken = await admin.post(`${API}/tenants/${tenantId}/members`, '{"email": ', {});
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('malformed_json');
  });

  it('answers an unknown /api path 404 in JSON', async () => {
    const res = await admin.get(`${API}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });

  it('ETag/If-Match: an update with a stale ETag answers 412 and changes nothing', async () => {
    const read = await admin.get(`${API}/tenants/${tenantId}`);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-z]+"$/);
    const first = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'First' }, { headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    const lost = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'Second' }, { headers: { 'if-match': etag } });
    expect(lost.status).toBe(412);
    expect(lost.json.error.code).toBe('precondition_failed');
    expect((await server.runtime.repos.tenants.get(tenantId))?.name).toBe('First');
    expect((await admin.patch(`${API}/tenants/${tenantId}`, { name: 'Third' }, { headers: { 'if-match': first.headers.etag as string } })).status).toBe(200);
    expect((await admin.patch(`${API}/tenants/${tenantId}`, { name: 'Fourth' }, { headers: { 'if-match': 'W/"abc"' } })).status).toBe(412);
  });

  it('a cookie-session change needs the X-CSRF-Token header; a foreign Origin is refused even with it', async () => {
    const before = (await server.runtime.repos.tenants.get(tenantId))?.name;
    const noToken = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'csrf' }, { noCsrf: true });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe('csrf_token_invalid');
    const wrongToken = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'csrf' }, { noCsrf: true, headers: { 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrongToken.status).toBe(403);
    const foreign = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'csrf' }, { headers: { origin: 'https://evil.example.net' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('origin_mismatch');
    const crossSite = await admin.patch(`${API}/tenants/${tenantId}`, { name: 'csrf' }, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect((await server.runtime.repos.tenants.get(tenantId))?.name).toBe(before);
    // The configured public origin and the server's own origin pass.
    expect((await admin.patch(`${API}/tenants/${tenantId}`, { name: 'public' }, { headers: { origin: 'https://console.example.com' } })).status).toBe(200);
    expect((await admin.patch(`${API}/tenants/${tenantId}`, { name: 'own' }, { headers: { origin: server.url } })).status).toBe(200);
    // Signing in from a foreign page is refused too (login CSRF).
    const login = await new ApiClient(server.url).post(`${API}/auth/login`, { email: 'admin@example.com', password: 'whatever it is' }, { headers: { origin: 'https://evil.example.net' } });
    expect(login.status).toBe(403);
  });

  it('limits changes per session: past the limit 429 with Retry-After; reads still work; other sessions are not affected', async () => {
    const busy = await signedIn(server, { email: 'busy@example.com', tenantId, role: 'admin' });
    let status = 0;
    let res;
    for (let i = 0; i < 16 && status !== 429; i++) {
      res = await busy.patch(`${API}/tenants/${tenantId}`, { name: `n${i}` });
      status = res.status;
    }
    expect(status).toBe(429);
    expect(Number(res?.headers['retry-after'])).toBeGreaterThan(0);
    expect((await busy.get(`${API}/tenants/${tenantId}`)).status).toBe(200);
    const other = await signedIn(server, { email: 'calm@example.com', tenantId, role: 'admin' });
    expect((await other.patch(`${API}/tenants/${tenantId}`, { name: 'calm' })).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document describing every route of the table, publicly', async () => {
    const res = await new ApiClient(server.url).get(`${API}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ADMIN_ROUTES) {
      const path = `${API}${route.path.replace(/:(\w+)/g, '{$1}')}`;
      const op = doc.paths[path]?.[route.method];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(op.operationId).toBe(route.operationId);
      if (route.body) expect(op.requestBody.content[route.textBody?.[0] ?? 'application/json'].schema.type).toBeDefined();
      for (const name of Object.keys(route.params?.shape ?? {})) {
        expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
      }
    }
    const operationIds = ADMIN_ROUTES.map((r) => r.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
    // The login body's schema is the one the route validates with.
    expect(doc.paths[`${API}/auth/login`].post.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it('serves the API reference page and its assets from the installed package (no CDN), publicly', async () => {
    const client = new ApiClient(server.url);
    const page = await client.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const srcs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(srcs.length).toBeGreaterThanOrEqual(3);
    for (const src of srcs) {
      expect(src.startsWith('/api/docs/'), src).toBe(true);
      const asset = await client.get(src);
      expect(asset.status, src).toBe(200);
      expect(asset.text.length, src).toBeGreaterThan(100);
    }
    const init = await client.get('/api/docs/init.js');
    expect(init.text).toContain('/api/v1/openapi.json');
    expect((await client.get('/api/docs/../../package.json')).status).not.toBe(200);
    expect((await client.get('/api/docs/swagger-initializer.js')).status).toBe(404);
  });
});
