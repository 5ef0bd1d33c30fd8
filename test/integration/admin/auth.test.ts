/**
 * Sign-in end to end over real HTTP: first-run setup with the token from the log, login/logout/me, cookie flags,
 * sliding and absolute expiry, throttling (the 11th failure answers 429 with Retry-After), one answer for unknown
 * users and wrong passwords, sessions revoked on password change, invitations, personal API tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/admin/auth/secret-tokens.js';
import { ApiClient, forEachDatabase, makeUser, PASSWORD, signedIn, startAdminServer, type AdminServer } from './support.js';

const API = '/api/v1';

forEachDatabase('admin sign-in', (database) => {
  describe('first run', () => {
    let server: AdminServer;
    beforeAll(async () => {
      server = await startAdminServer({ database });
    });
    afterAll(async () => server?.close());

    it('prints a one-time setup token while no user exists; it creates the first instance admin once', async () => {
      const line = server.logs.find((l) => typeof l.msg === 'string' && l.msg.includes('setup token'));
      const token = /setup token (setup_[A-Za-z0-9_-]+)/.exec(String(line?.msg))?.[1];
      expect(token).toBeDefined();
      const client = new ApiClient(server.url);
      expect((await client.get(`${API}/setup`)).json).toEqual({ needed: true });

      const wrong = await client.post(`${API}/setup`, { setupToken: 'setup_wrong', email: 'root@example.com', password: PASSWORD });
      expect(wrong.status).toBe(403);
      expect(wrong.json.error.code).toBe('setup_token_invalid');
      expect(await server.runtime.repos.users.count()).toBe(0);

      const short = await client.post(`${API}/setup`, { setupToken: token, email: 'root@example.com', password: 'short' });
      expect(short.status).toBe(422);
      expect(short.json.error.details.fields).toEqual([expect.objectContaining({ in: 'body', path: 'password' })]);

      const done = await client.post(`${API}/setup`, { setupToken: token, email: 'root@example.com', name: 'Root', password: PASSWORD });
      expect(done.status).toBe(201);
      expect(done.json.user).toMatchObject({ email: 'root@example.com', isInstanceAdmin: true });
      // Signed in at once.
      expect((await client.get(`${API}/auth/me`)).json.user.email).toBe('root@example.com');

      const again = await new ApiClient(server.url).post(`${API}/setup`, { setupToken: token, email: 'evil@example.com', password: PASSWORD });
      expect(again.status).toBe(409);
      expect((await client.get(`${API}/setup`)).json).toEqual({ needed: false });
      expect(await server.runtime.repos.users.count()).toBe(1);
    });
  });

  describe('sessions', () => {
    let server: AdminServer;
    let clock = Date.now();
    beforeAll(async () => {
      server = await startAdminServer({
        database,
        env: { PUBLIC_BASE_URL: 'https://switchboard.example.com' },
        admin: { now: () => new Date(clock), sessions: { idleMs: 3_600_000, absoluteMs: 4 * 3_600_000, touchEveryMs: 1000 } },
      });
    });
    afterAll(async () => server?.close());

    it('sets an HttpOnly, SameSite=Lax, Secure (__Host-) cookie; stores only a hash of the session token', async () => {
      await makeUser(server.runtime, { email: 'ann@example.com' });
      const client = new ApiClient(server.url);
      const res = await client.post(`${API}/auth/login`, { email: 'ANN@example.com', password: PASSWORD });
      expect(res.status).toBe(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-sb_session=sbs_[A-Za-z0-9_-]+; Path=\/; Max-Age=14400; HttpOnly; SameSite=Lax; Secure$/);
      const token = /=([^;]+)/.exec(cookie)?.[1] as string;
      const rows = await server.runtime.database.db.session.findMany();
      expect(rows.map((r) => r.tokenHash)).toContain(hashToken(token));
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(res.json.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(res.json.user).not.toHaveProperty('passwordHash');
    });

    it('slides with use, ends when idle too long, and ends at the absolute limit however often it is used', async () => {
      await makeUser(server.runtime, { email: 'sam@example.com' });
      const client = new ApiClient(server.url);
      await client.login('sam@example.com', PASSWORD);
      // Used every 50 minutes: still valid after 3h20 (idle limit 1 h)...
      for (let i = 0; i < 4; i++) {
        clock += 50 * 60_000;
        expect((await client.get(`${API}/auth/me`)).status).toBe(200);
      }
      // ... but not past 4 h after sign-in.
      clock += 50 * 60_000;
      expect((await client.get(`${API}/auth/me`)).status).toBe(401);

      const idle = new ApiClient(server.url);
      await idle.login('sam@example.com', PASSWORD);
      clock += 61 * 60_000;
      const res = await idle.get(`${API}/auth/me`);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });

    it('logout ends the session server-side (the old cookie no longer works)', async () => {
      await makeUser(server.runtime, { email: 'lou@example.com' });
      const client = new ApiClient(server.url);
      await client.login('lou@example.com', PASSWORD);
      const cookie = client.cookie;
      expect((await client.post(`${API}/auth/logout`)).status).toBe(204);
      const replay = new ApiClient(server.url);
      replay.cookie = cookie;
      expect((await replay.get(`${API}/auth/me`)).status).toBe(401);
    });

    it('a password change ends every session of the user; this client gets a new one', async () => {
      await makeUser(server.runtime, { email: 'pat@example.com' });
      const a = new ApiClient(server.url);
      const b = new ApiClient(server.url);
      await a.login('pat@example.com', PASSWORD);
      await b.login('pat@example.com', PASSWORD);
      const wrong = await a.post(`${API}/auth/password`, { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' });
      expect(wrong.status).toBe(403);
      const res = await a.post(`${API}/auth/password`, { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
      expect(res.status).toBe(200);
      expect((await b.get(`${API}/auth/me`)).status).toBe(401);
      expect((await a.get(`${API}/auth/me`)).status).toBe(200);
      expect((await new ApiClient(server.url).post(`${API}/auth/login`, { email: 'pat@example.com', password: PASSWORD })).status).toBe(401);
      await new ApiClient(server.url).login('pat@example.com', 'a brand new passphrase');
    });
  });

  describe('throttling', () => {
    let server: AdminServer;
    beforeAll(async () => {
      server = await startAdminServer({ database });
      await makeUser(server.runtime, { email: 'tom@example.com' });
    });
    afterAll(async () => server?.close());

    it('answers an unknown address and a wrong password alike, in similar time', async () => {
      const client = new ApiClient(server.url);
      const timed = async (email: string, ip: string) => {
        client.ip = ip;
        const started = performance.now();
        const res = await client.post(`${API}/auth/login`, { email, password: 'wrong password!' });
        return { res, ms: performance.now() - started };
      };
      const unknownMs: number[] = [];
      const wrongMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const unknown = await timed(`nobody${i}@example.com`, `10.1.0.${i}`);
        const wrong = await timed('tom@example.com', `10.1.1.${i}`);
        expect(unknown.res.status).toBe(401);
        expect(wrong.res.status).toBe(401);
        expect(unknown.res.text).toBe(wrong.res.text);
        unknownMs.push(unknown.ms);
        wrongMs.push(wrong.ms);
      }
      // Both verify an argon2id hash (19 MiB, 2 passes): neither answers in a fraction of the other's time. The fastest
      // of five is each path's own cost (a busy machine only adds time), so it is compared, not a median.
      const [fast, slow] = [Math.min(...unknownMs), Math.min(...wrongMs)].sort((x, y) => x - y) as [number, number];
      expect(fast).toBeGreaterThan(slow / 4);
    });

    it('the 11th failed sign-in of an account within 15 minutes answers 429 with Retry-After, even with the right password', async () => {
      await makeUser(server.runtime, { email: 'tim@example.com' });
      const client = new ApiClient(server.url);
      for (let i = 0; i < 10; i++) {
        client.ip = `10.2.0.${i}`; // a different IP each time: the account counter alone blocks
        expect((await client.post(`${API}/auth/login`, { email: 'tim@example.com', password: `wrong ${i}` })).status).toBe(401);
      }
      client.ip = '10.2.0.99';
      const blocked = await client.post(`${API}/auth/login`, { email: 'Tim@Example.com', password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.json.error.code).toBe('rate_limited');
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
    });

    it('the 11th failure from one IP answers 429 whatever account it tries', async () => {
      const client = new ApiClient(server.url);
      client.ip = '10.3.0.1';
      for (let i = 0; i < 10; i++) expect((await client.post(`${API}/auth/login`, { email: `u${i}@example.com`, password: 'wrong password' })).status).toBe(401);
      const res = await client.post(`${API}/auth/login`, { email: 'u99@example.com', password: 'wrong password' });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('invitations and API tokens', () => {
    let server: AdminServer;
    let tenantId: string;
    let otherTenantId: string;
    let admin: ApiClient;
    beforeAll(async () => {
      server = await startAdminServer({ database });
      tenantId = (await server.runtime.repos.tenants.create({ slug: 'acme', name: 'Acme' })).id;
      otherTenantId = (await server.runtime.repos.tenants.create({ slug: 'other', name: 'Other' })).id;
      admin = await signedIn(server, { email: 'admin@example.com', tenantId, role: 'admin' });
    });
    afterAll(async () => server?.close());

    it('an invitation is a one-time set-password token: usable once, stored hashed', async () => {
      const res = await admin.post(`${API}/tenants/${tenantId}/members`, { email: 'new@example.com', role: 'operator' });
      expect(res.status).toBe(201);
      expect(res.json.member).toMatchObject({ email: 'new@example.com', role: 'operator', pending: true });
      const token = res.json.invitation.token as string;
      expect(res.json.invitation.url).toContain(`#token=${token}`);
      const stored = await server.runtime.repos.users.getByEmail('new@example.com');
      expect(JSON.stringify(stored)).not.toContain(token);
      // Cannot sign in before accepting.
      expect((await new ApiClient(server.url).post(`${API}/auth/login`, { email: 'new@example.com', password: PASSWORD })).status).toBe(401);
      const anon = new ApiClient(server.url);
      expect((await anon.post(`${API}/auth/set-password`, { token, password: PASSWORD })).status).toBe(204);
      expect((await anon.post(`${API}/auth/set-password`, { token, password: 'another passphrase' })).status).toBe(400);
      const member = new ApiClient(server.url);
      const me = await member.login('new@example.com', PASSWORD);
      expect(me.json.tenants).toEqual([expect.objectContaining({ tenantId, role: 'operator' })]);
    });

    it('a token is shown once, stored hashed, works as Bearer in its tenant only, and stops when revoked', async () => {
      const created = await admin.post(`${API}/tenants/${tenantId}/tokens`, { name: 'ci', role: 'builder' });
      expect(created.status).toBe(201);
      const secret = created.json.secret as string;
      expect(secret).toMatch(/^sbp_/);
      const rows = await server.runtime.database.db.apiToken.findMany();
      expect(JSON.stringify(rows)).not.toContain(secret);
      const list = await admin.get(`${API}/tenants/${tenantId}/tokens`);
      expect(list.text).not.toContain(secret);
      expect(list.json.items[0]).toMatchObject({ name: 'ci', role: 'builder', lastUsedAt: null });

      const bot = ApiClient.withToken(server.url, secret);
      const me = await bot.get(`${API}/auth/me`);
      expect(me.json).toMatchObject({ via: 'token', csrfToken: null, tenants: [{ tenantId, role: 'builder' }] });
      expect((await bot.get(`${API}/tenants/${tenantId}`)).status).toBe(200);
      // No CSRF token needed for bearer calls; but a builder token may not do admin things.
      expect((await bot.patch(`${API}/tenants/${tenantId}`, { name: 'Renamed' })).status).toBe(403);
      expect((await bot.get(`${API}/tenants/${otherTenantId}`)).status).toBe(404);
      // Tokens cannot mint tokens.
      expect((await bot.post(`${API}/tenants/${tenantId}/tokens`, { name: 'again' })).status).toBe(403);
      expect((await admin.get(`${API}/tenants/${tenantId}/tokens`)).json.items[0].lastUsedAt).not.toBeNull();

      expect((await admin.delete(`${API}/tenants/${tenantId}/tokens/${created.json.token.id}`)).status).toBe(204);
      expect((await bot.get(`${API}/auth/me`)).status).toBe(401);
    });

    it('a token never exceeds its user: a builder cannot make an admin token, and a removed member\'s tokens die', async () => {
      const builder = await signedIn(server, { email: 'bob@example.com', tenantId, role: 'builder' });
      expect((await builder.post(`${API}/tenants/${tenantId}/tokens`, { name: 'x', role: 'admin' })).status).toBe(403);
      const created = await builder.post(`${API}/tenants/${tenantId}/tokens`, { name: 'mine' });
      expect(created.json.token.role).toBe('builder');
      const bot = ApiClient.withToken(server.url, created.json.secret);
      expect((await bot.get(`${API}/tenants/${tenantId}`)).status).toBe(200);
      const bob = await server.runtime.repos.users.getByEmail('bob@example.com');
      expect((await admin.delete(`${API}/tenants/${tenantId}/members/${bob?.id}`)).status).toBe(204);
      expect((await bot.get(`${API}/tenants/${tenantId}`)).status).toBe(401);
    });
  });
});
