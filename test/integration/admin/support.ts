/**
 * A real web process (startWeb on 127.0.0.1, production app and admin router) on SQLite or PostgreSQL, and an HTTP
 * client that keeps the session cookie and sends the CSRF token like the console does.
 */
import { Writable } from 'node:stream';
import { describe } from 'vitest';
import type { AdminOptions } from '../../../src/admin/create.js';
import { createUser } from '../../../src/admin/users/create-user.js';
import { startWeb, type Runtime, type WebHandle } from '../../../src/main.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { Role } from '../../../src/store/repositories/index.js';
import { createTestRuntime, type TestRuntime, type TestRuntimeOptions } from '../../support/runtime.js';
import { describeWithPostgres, TEST_PG_URL } from '../../support/services.js';
import { rawRequest } from '../server/helpers.js';

export type TestDatabaseKind = TestRuntimeOptions['database'];

/** Runs the suite on SQLite, and on PostgreSQL when SWITCHBOARD_TEST_PG_URL is set (reported as skipped otherwise). */
export function forEachDatabase(title: string, fn: (database: TestDatabaseKind) => void): void {
  describe(`${title} (sqlite)`, () => fn('sqlite'));
  describeWithPostgres(`${title} (postgresql)`, () => fn({ pgUrl: TEST_PG_URL as string }));
}

export interface AdminServer {
  t: TestRuntime;
  runtime: Runtime;
  web: WebHandle;
  url: string;
  /** Every line the process logged, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startAdminServer(opts: {
  database: TestDatabaseKind;
  env?: Record<string, string>;
  redisUrl?: string;
  admin?: Partial<AdminOptions>;
  before?: (runtime: Runtime) => Promise<void>;
}): Promise<AdminServer> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const t = await createTestRuntime({ database: opts.database, env: opts.env, redisUrl: opts.redisUrl, logger });
  await opts.before?.(t.runtime);
  const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1', admin: opts.admin });
  return {
    t,
    runtime: t.runtime,
    web,
    url: web.url,
    logs,
    async close() {
      await web.close();
      await t.dispose();
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads answers of every shape
  json: any;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Leave out the CSRF token this client would send. */
  noCsrf?: boolean;
}

/** A client of the admin API: a browser (cookie + CSRF token) or automation (bearer token). */
export class ApiClient {
  cookie?: string;
  csrfToken?: string;
  bearer?: string;
  /** Sent as X-Forwarded-For (the app trusts the proxy headers): tells test clients apart by IP. */
  ip?: string;

  constructor(readonly baseUrl: string) {}

  static withToken(baseUrl: string, token: string): ApiClient {
    const client = new ApiClient(baseUrl);
    client.bearer = token;
    return client;
  }

  async call(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && !opts.noCsrf && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    if (this.ip) headers['x-forwarded-for'] = this.ip;
    const res = await rawRequest(this.baseUrl, { method, path, headers, body });
    const setCookie = res.headers['set-cookie'];
    for (const line of setCookie ?? []) {
      const pair = line.split(';')[0] ?? '';
      if (/Max-Age=0/i.test(line)) this.cookie = undefined;
      else if (pair.includes('sb_session=')) this.cookie = pair;
    }
    let json: unknown;
    try {
      json = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      json = undefined;
    }
    const csrf = (json as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof csrf === 'string' && res.status < 300) this.csrfToken = csrf;
    return { status: res.status, headers: res.headers, text: res.text, json };
  }

  get = (path: string, opts?: CallOptions) => this.call('GET', path, opts);
  post = (path: string, body?: unknown, opts?: CallOptions) => this.call('POST', path, { ...opts, body });
  put = (path: string, body?: unknown, opts?: CallOptions) => this.call('PUT', path, { ...opts, body });
  patch = (path: string, body?: unknown, opts?: CallOptions) => this.call('PATCH', path, { ...opts, body });
  delete = (path: string, opts?: CallOptions) => this.call('DELETE', path, opts);

  async login(email: string, password: string): Promise<ApiResponse> {
    const res = await this.post('/api/v1/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${res.text}`);
    return res;
  }
}

export const PASSWORD = 'correct horse battery staple';

/** A user who can sign in at once; with `tenantId` and `role`, a member there. */
export async function makeUser(runtime: Runtime, opts: { email: string; instanceAdmin?: boolean; tenantId?: string; role?: Role; password?: string }) {
  const user = await createUser(runtime.repos.users, { email: opts.email, password: opts.password ?? PASSWORD, isInstanceAdmin: opts.instanceAdmin ?? false });
  if (opts.tenantId && opts.role) await runtime.repos.memberships.grant({ tenantId: opts.tenantId, userId: user.id, role: opts.role });
  return user;
}

/** A signed-in client of a new user. */
export async function signedIn(server: AdminServer, opts: Parameters<typeof makeUser>[1]): Promise<ApiClient> {
  await makeUser(server.runtime, opts);
  const client = new ApiClient(server.url);
  await client.login(opts.email, opts.password ?? PASSWORD);
  return client;
}
