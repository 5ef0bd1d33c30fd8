/**
 * The console's static file serving with a real build folder (the production app factory on a real HTTP server):
 * files inside the root are served, client routes fall back to index.html, and no spelling of `..` reaches a file
 * outside the root — not even a sibling folder whose name starts like the root's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { expectErrorBody, rawRequest } from './helpers.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

describe('console static files with a built console', () => {
  let dir: string;
  let t: TestRuntime;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-console-'));
    const root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Console</title><div id="app"></div>');
    writeFileSync(join(root, 'assets', 'app.123.js'), 'console.log("app")');
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    mkdirSync(join(dir, 'dist-private'));
    writeFileSync(join(dir, 'dist-private', 'key.txt'), SECRET);

    t = await createTestRuntime({ database: 'sqlite' });
    const { runtime } = t;
    const app = createApp({
      logger: runtime.logger,
      hooks: { adapters: runtime.adapters, bots: runtime.bots, inbox: runtime.inbox, maxBodyBytes: 16 * 1024, bodyTimeoutMs: 10_000 },
      readiness: { database: () => runtime.database.ping() },
      consoleRoot: root,
    });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves files inside the root, and index.html for client routes', async () => {
    const index = await rawRequest(url, { method: 'GET', path: '/admin' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('<title>Console</title>');
    const asset = await rawRequest(url, { method: 'GET', path: '/admin/assets/app.123.js' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    const route = await rawRequest(url, { method: 'GET', path: '/admin/bots/42/edit' });
    expect(route.status).toBe(200);
    expect(route.text).toContain('<title>Console</title>');
  });

  it('never serves a file outside the root, however `..` is spelled', async () => {
    const attempts = [
      '/admin/../secret.txt',
      '/admin/../../secret.txt',
      '/admin/..%2fsecret.txt',
      '/admin/..%2Fsecret.txt',
      '/admin/%2e%2e/secret.txt',
      '/admin/%2e%2e%2fsecret.txt',
      '/admin/%2E%2E%2Fsecret.txt',
      '/admin/assets/..%2f..%2fsecret.txt',
      '/admin/..%2fdist-private%2fkey.txt',
      '/admin/%2e%2e/dist-private/key.txt',
      '/admin/..%5csecret.txt',
      '/admin/%252e%252e%252fsecret.txt',
      '/admin/.%2e/secret.txt',
      '/admin//..%2f..%2fsecret.txt',
      `/admin/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/admin/%00/../secret.txt',
    ];
    for (const path of attempts) {
      const res = await rawRequest(url, { method: 'GET', path });
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toContain(SECRET);
      // Outside the root the middleware answers its placeholder page; inside, the console's index.
      if (res.status === 200) expect(res.text, path).toMatch(/<title>(Console|Switchboard)<\/title>/);
    }
  });

  it('answers 400 bad_path to a malformed escape', async () => {
    const res = await rawRequest(url, { method: 'GET', path: '/admin/%E0%A4%A' });
    expect(res.status).toBe(400);
    expectErrorBody(res.text, 'bad_path');
  });
});
