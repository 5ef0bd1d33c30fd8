/**
 * The egress policy on the production paths, against real servers on 127.0.0.1: the Dify client, the generic HTTP
 * backend, workflow reply-file downloads. Names that resolve elsewhere use a DNS hook (as a split-horizon resolver
 * would answer), so no test needs /etc/hosts or another machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { replyFileBytes } from '../../../src/adapters/reply-files.js';
import { configureProcessEgress, egressAgentsFor, egressFetch, type EgressAgents, type EgressSettings } from '../../../src/egress/index.js';
import type { DnsLookup } from '../../../src/workflow-client/attempt.js';
import { EgressRefusedError } from '../../../src/workflow-client/errors.js';
import type { WorkflowConfig, WorkflowKind } from '../../../src/workflow-client/types.js';
import { FakeDify } from '../../fakes/fake-dify.js';
import { startFakeFileHost, type FakeFileHost } from '../../fakes/fake-file-host.js';
import { clientFor, configFor, request, testDeps } from '../workflow-client/helpers.js';
import { createWorkflowClient } from '../../../src/workflow-client/create.js';

let fake: FakeDify;
let files: FakeFileHost;
/** Counts every connection it accepts: "refused without connecting" means this stays at 0. */
let trap: http.Server;
let trapConnections = 0;
let trapPort = 0;
const opened: EgressAgents[] = [];

beforeAll(async () => {
  fake = await FakeDify.start();
  files = await startFakeFileHost();
  trap = http.createServer((_req, res) => res.end('reached'));
  trap.on('connection', () => trapConnections++);
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapPort = (trap.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const egress of opened) {
    egress.httpAgent.destroy();
    egress.httpsAgent.destroy();
  }
  await fake.close();
  await files.close();
  trap.closeAllConnections();
  await new Promise<void>((resolve) => trap.close(() => resolve()));
});
beforeEach(() => {
  fake.requests.length = 0;
  trapConnections = 0;
});

function egress(settings: Partial<EgressSettings> = {}): EgressAgents {
  const agents = egressAgentsFor({ private: 'allow', allowlist: [], ...settings });
  opened.push(agents);
  return agents;
}

/** A resolver that answers `address` for every name, like a split-horizon DNS. */
const resolvesTo =
  (address: string): DnsLookup =>
  (_hostname, options, callback) => {
    const family = address.includes(':') ? 6 : 4;
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else (callback as (e: null, a: string, f: number) => void)(null, address, family);
  };

function difyClient(settings: Partial<EgressSettings>, overrides: Partial<WorkflowConfig> = {}, lookup?: DnsLookup) {
  const deps = testDeps({ egress: egress(settings), ...(lookup ? { lookup } : {}) });
  return clientFor(fake, 'dify_chat', { settings: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } }, ...overrides }, deps);
}

async function refusal(promise: Promise<unknown>): Promise<EgressRefusedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EgressRefusedError);
  return err as EgressRefusedError;
}

describe('a workflow backend on 127.0.0.1', () => {
  test('is reached by default (private networks allowed)', async () => {
    const result = await difyClient({}).run(request('hello'));
    expect(result.answer).toContain('hello');
  });

  test('is refused under EGRESS_PRIVATE=deny, before connecting, once (not retried), with a clear error', async () => {
    const err = await refusal(difyClient({ private: 'deny' }).run(request('hello')));
    expect(err).toMatchObject({ code: 'egress_denied', retryable: false });
    expect(err.message).toMatch(/127\.0\.0\.1.*loopback and private addresses are refused \(EGRESS_PRIVATE=deny\)/);
    expect(err.message).not.toContain('/v1');
    expect(fake.requests).toHaveLength(0);
  });

  test('passes under deny when its address or its host name is allowlisted', async () => {
    expect((await difyClient({ private: 'deny', allowlist: ['127.0.0.0/8'] }).run(request('by cidr'))).answer).toContain('by cidr');
    const byName = { baseUrl: fake.url.replace('127.0.0.1', 'localhost') };
    expect((await difyClient({ private: 'deny', allowlist: ['localhost'] }, byName, resolvesTo('127.0.0.1')).run(request('by name'))).answer).toContain('by name');
    await refusal(difyClient({ private: 'deny', allowlist: ['dify.internal'] }, byName, resolvesTo('127.0.0.1')).run(request('not listed')));
  });

  test('the connection test reports the refusal', async () => {
    const report = await difyClient({ private: 'deny' }).check();
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).toMatch(/refused: loopback and private addresses are refused/);
  });
});

describe('addresses checked where the socket connects', () => {
  test('a name resolving to 10.x is refused under deny (the resolved address is checked, not the name)', async () => {
    const err = await refusal(difyClient({ private: 'deny' }, { baseUrl: 'http://dify.corp.example:8080/v1' }, resolvesTo('10.1.2.3')).run(request('x')));
    expect(err.message).toMatch(/dify\.corp\.example.*resolved to 10\.1\.2\.3/);
  });

  test('a refusal is not retried (one resolution for a client allowed three attempts)', async () => {
    let lookups = 0;
    const counting: DnsLookup = (hostname, options, callback) => {
      lookups++;
      resolvesTo('10.1.2.3')(hostname, options, callback);
    };
    const config: WorkflowConfig = {
      ...configFor({ url: 'http://hooks.corp.example/run', apiKey: 'k' }, 'http' as WorkflowKind),
      settings: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } },
    };
    await refusal(createWorkflowClient(config, testDeps({ egress: egress({ private: 'deny' }), lookup: counting })).run(request('x')));
    expect(lookups).toBe(1);
  });

  test('a name resolving to the metadata address is refused even when private networks are allowed', async () => {
    const err = await refusal(difyClient({}, { baseUrl: `http://metadata.example:${trapPort}/v1` }, resolvesTo('169.254.169.254')).run(request('x')));
    expect(err.message).toMatch(/link-local and cloud metadata addresses are always refused/);
  });

  test('a name resolving to an IPv4-mapped metadata address is refused', async () => {
    await refusal(difyClient({}, { baseUrl: 'http://rebind.example/v1' }, resolvesTo('::ffff:a9fe:a9fe')).run(request('x')));
  });

  test.each(['http://169.254.169.254/latest/meta-data', 'http://[::ffff:a9fe:a9fe]/v1', 'http://[fd00:ec2::254]/v1'])('%s is refused in every mode', async (baseUrl) => {
    for (const settings of [{}, { private: 'deny' as const, allowlist: ['169.254.0.0/16', '::ffff:0:0/96'] }]) {
      const err = await refusal(difyClient(settings, { baseUrl }).run(request('x')));
      expect(err.message).toMatch(/metadata/);
    }
  });

  test('the allowlist does not open metadata addresses by name either', async () => {
    await refusal(difyClient({ private: 'deny', allowlist: ['metadata.google.internal'] }, { baseUrl: 'http://metadata.google.internal/v1' }, resolvesTo('169.254.169.254')).run(request('x')));
  });
});

describe('redirects', () => {
  let hook: http.Server;
  let hookUrl = '';
  let location = '';
  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location }).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    hook.closeAllConnections();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  const httpClient = (settings: Partial<EgressSettings> = {}) => {
    const config: WorkflowConfig = { ...configFor({ url: hookUrl, apiKey: 'k' }, 'http' as WorkflowKind), settings: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } } };
    return createWorkflowClient(config, testDeps({ egress: egress(settings) }));
  };

  test('an HTTP backend redirecting to the metadata address is refused without connecting there', async () => {
    location = 'http://169.254.169.254/latest/meta-data/iam';
    const err = await refusal(httpClient().run(request('x')));
    expect(err.message).toMatch(/169\.254\.169\.254.*redirects are followed only within the same origin/);
    expect(err.message).not.toContain('/iam');
  });

  test('a redirect to another (private) origin is refused without connecting to it', async () => {
    location = `http://localhost:${trapPort}/steal`;
    await refusal(httpClient().run(request('x')));
    expect(trapConnections).toBe(0);
  });

  test('reply files never follow a redirect: not within the origin, not to the metadata address', async () => {
    configureProcessEgress({ private: 'allow', allowlist: [] });
    files.serve('/files/real.bin', Buffer.from('file bytes'), 'application/octet-stream');
    const moved = files.fail('/files/moved.bin', 302, { location: '/files/real.bin' });
    await expect(replyFileBytes({ name: 'moved.bin', url: moved, hostedByWorkflow: true }, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'reply_file_http_302', retryable: false });
    const meta = files.fail('/files/meta.bin', 302, { location: 'http://169.254.169.254/latest' });
    await expect(replyFileBytes({ name: 'meta.bin', url: meta, hostedByWorkflow: true }, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'reply_file_http_302', retryable: false });
    expect(files.hits('/files/real.bin')).toBe(0);
  });

  test('egressFetch follows a redirect within the origin and refuses one to another origin without connecting', async () => {
    const agents = egress();
    files.serve('/files/target.txt', Buffer.from('target'), 'text/plain');
    const within = files.fail('/files/within', 307, { location: '/files/target.txt' });
    expect(await (await egressFetch(within, {}, agents)).text()).toBe('target');
    const away = files.fail('/files/away', 302, { location: `http://localhost:${trapPort}/x` });
    await expect(egressFetch(away, {}, agents)).rejects.toMatchObject({ code: 'egress_denied', rule: 'redirect' });
    const meta = files.fail('/files/meta', 302, { location: 'http://[::ffff:a9fe:a9fe]/latest' });
    await expect(egressFetch(meta, {}, agents)).rejects.toMatchObject({ code: 'egress_denied', rule: 'redirect' });
    expect(trapConnections).toBe(0);
  });
});

describe('reply-file downloads follow the process policy', () => {
  test('a file host on 127.0.0.1 is refused under deny and reached when allowlisted', async () => {
    const url = files.serve('/files/doc.txt', Buffer.from('hello'), 'text/plain');
    configureProcessEgress({ private: 'deny', allowlist: [] });
    await expect(replyFileBytes({ name: 'doc.txt', url, hostedByWorkflow: true }, { maxBytes: 100 })).rejects.toMatchObject({
      code: 'egress_denied',
      retryable: false,
      message: expect.stringMatching(/doc\.txt.*127\.0\.0\.1.*EGRESS_PRIVATE=deny/) as unknown,
    });
    configureProcessEgress({ private: 'deny', allowlist: ['127.0.0.1'] });
    expect((await replyFileBytes({ name: 'doc.txt', url, hostedByWorkflow: true }, { maxBytes: 100 })).toString()).toBe('hello');
    configureProcessEgress({ private: 'allow', allowlist: [] });
  });

  test.each(['file:///etc/passwd', 'data:text/plain;base64,aGVsbG8=', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1/x'])('egressFetch refuses %s', async (url) => {
    await expect(egressFetch(url, {}, egress())).rejects.toMatchObject({ code: 'egress_denied', retryable: false });
  });
});
