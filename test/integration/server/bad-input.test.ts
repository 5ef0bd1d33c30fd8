/**
 * Hostile and malformed input through the real HTTP server (startWeb: Koa app, raw-body limits, error handler, the
 * real Slack and WeCom adapters): every rejection is the documented status with `{error: {code, message}}`, never a
 * 500, never a stack trace, and nothing reaches the inbox.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../fakes/fake-slack-signing.js';
import { waitFor } from '../../support/runtime.js';
import { expectErrorBody, LIMIT, rawRequest, signedHeaders, SIGNING_SECRET, slackDm, SLACK_BOT, startServerSuite, WECOM_BOT, type ServerSuite } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('server: bad input through the real HTTP server', () => {
  let s: ServerSuite;
  let url: string;
  const agents: http.Agent[] = [];
  const keepAliveAgent = () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  };
  const messageCount = () => s.e2e.t.runtime.database.db.message.count();

  beforeAll(async () => {
    s = await startServerSuite();
    url = s.e2e.web.url;
  });
  afterEach(() => {
    for (const agent of agents.splice(0)) agent.destroy();
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('oversized bodies: 413 payload_too_large before parsing', () => {
    it('rejects a declared Content-Length over the limit before a byte of the body is sent, and closes the connection', async () => {
      const agent = keepAliveAgent();
      const started = Date.now();
      const res = await rawRequest(url, {
        path: `/hooks/slack/${SLACK_BOT}`,
        headers: { 'content-type': 'application/json', 'content-length': 50 * 1024 * 1024, ...signSlackRequest('x', { signingSecret: SIGNING_SECRET }) },
        agent,
      });
      expect(res.status).toBe(413);
      expectErrorBody(res.text, 'payload_too_large');
      // Answered from the headers alone: the client had not sent any of the 50 MB.
      expect(res.bytesWritten).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
      // The unread body would desynchronise a kept-alive connection: the server closes it.
      expect(res.closed).toBe(true);
      // Just over the limit counts too.
      const justOver = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers: { 'content-type': 'application/json', 'content-length': LIMIT + 1 } });
      expect(justOver.status).toBe(413);
      expectErrorBody(justOver.text, 'payload_too_large');
    });

    it('cuts a chunked body (no Content-Length) as soon as it grows past the limit, without waiting for its end', async () => {
      const agent = keepAliveAgent();
      const total = 32 * 1024 * 1024;
      const res = await rawRequest(url, {
        path: `/hooks/slack/${SLACK_BOT}`,
        headers: { 'content-type': 'application/json', ...signSlackRequest('x', { signingSecret: SIGNING_SECRET }) },
        // 4 KiB every 2 ms, never ended: only a server that counts bytes as they arrive can answer this.
        stream: { chunk: Buffer.alloc(4096, 0x7b), total, intervalMs: 2, keepOpen: true },
        agent,
      });
      expect(res.status).toBe(413);
      expectErrorBody(res.text, 'payload_too_large');
      expect(res.closed).toBe(true);
      expect(res.bytesWritten).toBeGreaterThan(LIMIT);
      // Well before the client ran out of body (socket buffers hold a little more than the limit at most).
      expect(res.bytesWritten).toBeLessThan(4 * 1024 * 1024);
    });

    it('rejects a chunked body that is ended past the limit, and accepts one exactly at the limit (then judges it as Slack JSON)', async () => {
      const over = await rawRequest(url, {
        path: `/hooks/slack/${SLACK_BOT}`,
        headers: { 'content-type': 'application/json', ...signSlackRequest('x', { signingSecret: SIGNING_SECRET }) },
        stream: { chunk: Buffer.alloc(LIMIT / 4 + 1, 0x20), total: LIMIT + 4 },
      });
      expect(over.status).toBe(413);
      expectErrorBody(over.text, 'payload_too_large');

      // Exactly the limit is allowed through the size check: a signed body of spaces is then malformed JSON (400).
      const body = Buffer.alloc(LIMIT, 0x20);
      const atLimit = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers: signedHeaders(body), stream: { chunk: body, total: LIMIT } });
      expect(atLimit.status).toBe(400);
      expectErrorBody(atLimit.text, 'slack_bad_json');
    });

    it('serves the next request on a new connection at once, and stored nothing', async () => {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await messageCount()).toBe(0);
    });
  });

  describe('routing: 404 for what does not exist', () => {
    it('answers 404 unknown_platform for a platform without an adapter, whatever the method', async () => {
      for (const platform of ['nope', 'teams', 'SLACK', 'x'.repeat(300)]) {
        for (const method of ['POST', 'GET', 'PUT']) {
          const res = await rawRequest(url, { method, path: `/hooks/${platform}/${SLACK_BOT}`, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
          expect(res.status, `${method} ${platform.slice(0, 20)}`).toBe(404);
          const error = expectErrorBody(res.text, 'unknown_platform');
          // The echoed name is cut short.
          expect(error.message.length).toBeLessThan(80);
        }
      }
    });

    it('answers 404 unknown_bot for a bot of another platform (DingTalk has an adapter; this id is a Slack bot)', async () => {
      const res = await rawRequest(url, { path: `/hooks/dingtalk/${SLACK_BOT}`, headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
      expectErrorBody(res.text, 'unknown_bot');
    });

    it('answers 404 unknown_bot for an unknown bot id', async () => {
      for (const botId of ['no-such-bot', '0', `${SLACK_BOT}x`, 'a'.repeat(500), '%27%20OR%201%3D1--', '..%2F..%2Fetc']) {
        const body = slackDm({ channel: 'D0DM', ts: '1700000001.000100', text: 'hi' });
        const res = await rawRequest(url, { path: `/hooks/slack/${botId}`, headers: signedHeaders(body), body });
        expect(res.status, botId.slice(0, 20)).toBe(404);
        expectErrorBody(res.text, 'unknown_bot');
      }
    });

    it("answers 404 for a bot of another platform under the wrong platform's path", async () => {
      const body = slackDm({ channel: 'D0DM', ts: '1700000001.000100', text: 'hi' });
      const wecomUnderSlack = await rawRequest(url, { path: `/hooks/slack/${WECOM_BOT}`, headers: signedHeaders(body), body });
      expect(wecomUnderSlack.status).toBe(404);
      expectErrorBody(wecomUnderSlack.text, 'unknown_bot');
      const slackUnderWecom = await rawRequest(url, {
        path: `/hooks/wecom/${SLACK_BOT}?msg_signature=x&timestamp=1&nonce=1`,
        headers: { 'content-type': 'text/xml' },
        body: '<xml><Encrypt><![CDATA[x]]></Encrypt></xml>',
      });
      expect(slackUnderWecom.status).toBe(404);
      expectErrorBody(slackUnderWecom.text, 'unknown_bot');
      // The same bot under its own platform is found (and here refused for its bad signature instead).
      const own = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers: { ...signedHeaders(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` }, body });
      expect(own.status).toBe(401);
      expect(await messageCount()).toBe(0);
    });
  });

  describe('malformed payloads to a real Slack bot', () => {
    const cases: Array<{ name: string; body: string | Buffer; contentType?: string; status: number; code: string }> = [
      { name: 'truncated JSON', body: '{"type":"event_callback","event":{"type":"mess', status: 400, code: 'slack_bad_json' },
      { name: 'not JSON at all', body: 'hello <xml/>', status: 400, code: 'slack_bad_json' },
      { name: 'a JSON array', body: '[1,2,3]', status: 400, code: 'slack_bad_json' },
      { name: 'JSON null', body: 'null', status: 400, code: 'slack_bad_json' },
      // Bytes that are not UTF-8 decode to U+FFFD: here a well-formed object Slack never sends.
      { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), status: 400, code: 'slack_unknown_body' },
      { name: 'invalid UTF-8 inside the structure', body: Buffer.from([0x7b, 0xff, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d]), status: 400, code: 'slack_bad_json' },
      { name: 'deeply nested arrays', body: '['.repeat(5000) + ']'.repeat(5000), status: 400, code: 'slack_bad_json' },
      { name: 'an event_callback without an event', body: '{"type":"event_callback"}', status: 400, code: 'slack_bad_event' },
      { name: 'an unknown body type', body: '{"type":"something_else"}', status: 400, code: 'slack_unknown_body' },
      { name: 'a url_verification without a challenge', body: '{"type":"url_verification"}', status: 400, code: 'slack_bad_challenge' },
      { name: 'an unsupported content type', body: '{}', contentType: 'text/xml', status: 415, code: 'slack_bad_content_type' },
      { name: 'an interactivity payload that is not JSON', body: 'payload=%7Bnot-json', contentType: 'application/x-www-form-urlencoded', status: 400, code: 'slack_bad_json' },
      { name: 'a form that is nothing Slack sends', body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded', status: 400, code: 'slack_unknown_body' },
    ];
    for (const c of cases) {
      it(`answers ${c.status} ${c.code} (not 500) to a validly signed body: ${c.name}`, async () => {
        const res = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers: signedHeaders(c.body, c.contentType), body: c.body });
        expect(res.status).toBe(c.status);
        expectErrorBody(res.text, c.code);
      });
    }

    it('answers an opaque 401 to bad, stale, missing or repeated signatures', async () => {
      const body = slackDm({ channel: 'D0DM', ts: '1700000001.000100', text: 'hi' });
      const stale = signSlackRequest(body, { signingSecret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
      const variants: Array<Record<string, string>> = [
        { 'content-type': 'application/json' },
        { ...signedHeaders(body), 'x-slack-signature': `v0=${'a'.repeat(64)}` },
        { ...signedHeaders(body), 'x-slack-signature': 'v1=abc' },
        { 'content-type': 'application/json', ...stale },
        { ...signSlackRequest(body, { signingSecret: 'another0secret0000000000000000000' }), 'content-type': 'application/json' },
        { ...signedHeaders(body), 'x-slack-request-timestamp': 'not-a-number' },
      ];
      for (const headers of variants) {
        const res = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers, body });
        expect(res.status).toBe(401);
        expect(expectErrorBody(res.text).message).toBe('unauthorized');
      }
      // The same header twice (a smuggling attempt) is refused too.
      const twice = await new Promise<number>((resolve, reject) => {
        const signed = signedHeaders(body);
        const req = http.request(`${url}/hooks/slack/${SLACK_BOT}`, { method: 'POST', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.setHeader('content-type', 'application/json');
        req.setHeader('x-slack-request-timestamp', signed['x-slack-request-timestamp']!);
        req.setHeader('x-slack-signature', [signed['x-slack-signature']!, `v0=${'b'.repeat(64)}`]);
        req.end(body);
      });
      expect(twice).toBe(401);
      expect(await messageCount()).toBe(0);
    });
  });

  describe('request ids', () => {
    it('echoes a safe X-Request-Id and replaces an unsafe one, on successes and on errors', async () => {
      const safe = await rawRequest(url, { method: 'GET', path: '/healthz', headers: { 'x-request-id': 'req-123_abc:9.z' } });
      expect(safe.headers['x-request-id']).toBe('req-123_abc:9.z');
      const safeOnError = await rawRequest(url, { method: 'POST', path: '/hooks/nope/x', headers: { 'x-request-id': 'trace-42' }, body: '' });
      expect(safeOnError.status).toBe(404);
      expect(safeOnError.headers['x-request-id']).toBe('trace-42');

      // Spaces, markup, a latin-1 "next line" (0x85), too long, empty: replaced by a fresh UUID.
      for (const unsafe of ['has space', '<script>alert(1)</script>', 'evil\x85Set-Cookie:x=1', 'a'.repeat(129), '', 'tab\there']) {
        const res = await rawRequest(url, { method: 'GET', path: '/healthz', headers: { 'x-request-id': unsafe } });
        expect(res.status).toBe(200);
        const id = res.headers['x-request-id'];
        expect(typeof id).toBe('string');
        expect(id).not.toBe(unsafe);
        expect(id).toMatch(UUID);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // Without one, a fresh id each time.
      const a = await rawRequest(url, { method: 'GET', path: '/healthz' });
      const b = await rawRequest(url, { method: 'GET', path: '/healthz' });
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });
  });

  describe('health, readiness and metrics', () => {
    it('/healthz 200 and /readyz 200 with every check ok', async () => {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok', worker: 'ok' } });
    });

    it('/metrics serves Prometheus text with the ingress counter, counting the rejections above by outcome', async () => {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain('# TYPE switchboard_ingress_requests_total counter');
      // Requests that reached the adapter are counted under their outcome (`error` for the refused ones).
      const line = text.split('\n').find((l) => l.startsWith('switchboard_ingress_requests_total{') && l.includes('platform="slack"') && l.includes('outcome="error"'));
      expect(line).toBeDefined();
      expect(Number(line!.split(' ').pop())).toBeGreaterThan(0);
      expect(text).toMatch(/^switchboard_ingress_duration_seconds_bucket\{/m);
      expect(text).not.toMatch(/_ms(_bucket|_sum|_count)?[{ ]/);
      expect(text).toMatch(/^switchboard_messages_backlog\{state="queued"\} \d+$/m);
      expect(text).toContain('process_resident_memory_bytes');
    });
  });

  describe('/admin', () => {
    it('serves the placeholder page as HTML', async () => {
      for (const path of ['/admin', '/admin/', '/admin/settings/bots']) {
        const res = await rawRequest(url, { method: 'GET', path });
        expect(res.status, path).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('<title>Switchboard</title>');
      }
    });

    it('refuses path traversal, plain and encoded, without leaking a file and without a 500', async () => {
      const attempts = [
        '/admin/../../package.json',
        '/admin/../../../../../../etc/passwd',
        '/admin/..%2f..%2fpackage.json',
        '/admin/%2e%2e/%2e%2e/package.json',
        '/admin/%2e%2e%2f%2e%2e%2fpackage.json',
        '/admin/..%5c..%5cpackage.json',
        '/admin/%252e%252e%252f%252e%252e%252fpackage.json',
        '/admin/....//....//package.json',
        '/admin/%2e%2e/%2e%2e/src/main.ts',
        '/admin/..%2f..%2f.env',
        '/admin/%00../../package.json',
        '/admin//../../package.json',
      ];
      for (const path of attempts) {
        const res = await rawRequest(url, { method: 'GET', path });
        expect(res.status, path).toBeLessThan(500);
        expect(res.text, path).not.toContain('"dependencies"');
        expect(res.text, path).not.toContain('root:x:0:0');
        expect(res.text, path).not.toContain('buildRuntime');
        if (res.status === 200) expect(res.text).toContain('<title>Switchboard</title>');
      }
    });

    it('answers 400 (not 500) to a malformed percent-escape in the path', async () => {
      for (const path of ['/admin/%E0%A4%A', '/admin/%', '/admin/%zz/x']) {
        const res = await rawRequest(url, { method: 'GET', path });
        expect(res.status, path).toBe(400);
        expectErrorBody(res.text, 'bad_path');
      }
    });
  });

  describe('a valid message still works after all of the above', () => {
    it('processes a signed DM end to end', async () => {
      const body = slackDm({ channel: 'D0OK', ts: '1700000100.000100', text: 'still alive?' });
      const res = await rawRequest(url, { path: `/hooks/slack/${SLACK_BOT}`, headers: signedHeaders(body), body });
      expect(res.status).toBe(200);
      await waitFor(() => s.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'D0OK' && String(c.args.text).includes('Echo: still alive?')), 15_000, 'the reply');
      expect(await messageCount()).toBe(1);
    });
  });
});
