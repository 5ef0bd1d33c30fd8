/**
 * Slow and stuck clients cannot hold the HTTP server: a stalled or dripping body is answered 408 and closed at the
 * body deadline, stalled headers at the headers deadline, idle keep-alive sockets at the keep-alive timeout, and
 * connections beyond the cap are refused while many stalled sockets do not slow `/healthz`. Deadlines are set small
 * through the environment so each case ends in about a second; the margins are generous for a loaded machine.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, type WebHandle } from '../../../src/main.js';
import { createTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { expectErrorBody, SLACK_BOT, startServerSuite, type ServerSuite } from './helpers.js';

const HEADERS_MS = 1000;
const BODY_MS = 1000;
const KEEP_ALIVE_MS = 1000;
/** Timers fire late on a loaded machine; a connection held past this is a failure, not jitter. */
const MARGIN_MS = 3000;

interface HeldSocket {
  socket: net.Socket;
  /** Resolves when the server closed the connection: with what it sent and how long after opening. */
  closed: Promise<{ data: string; afterMs: number }>;
}

/** A raw TCP connection that writes what the test says and records everything the server sends. */
function open(baseUrl: string, first: string | Buffer = ''): Promise<HeldSocket> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    const closed = new Promise<{ data: string; afterMs: number }>((done) => {
      socket.on('close', () => done({ data, afterMs: Date.now() - started }));
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      if (first.length > 0) socket.write(first);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

/** Resolves with the close, or rejects when the server still holds the connection after `ms`. */
async function closedWithin(held: HeldSocket, ms: number): Promise<{ data: string; afterMs: number }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server still holds the connection after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([held.closed, timeout]);
  } finally {
    clearTimeout(timer);
    held.socket.destroy();
  }
}

function bodyOf(response: string): string {
  return response.slice(response.indexOf('\r\n\r\n') + 4);
}

describe('HTTP deadlines', () => {
  let suite: ServerSuite;
  const hookPath = `/hooks/slack/${SLACK_BOT}`;

  beforeAll(async () => {
    suite = await startServerSuite({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_BODY_TIMEOUT_MS: String(BODY_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    });
  });
  afterAll(async () => {
    await suite?.close();
  });

  it('answers 408 and closes a connection whose body stalls', async () => {
    const held = await open(
      suite.e2e.web.url,
      `POST ${hookPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"type":"event_callback",`,
    );
    const { data, afterMs } = await closedWithin(held, BODY_MS + MARGIN_MS);
    expect(data).toMatch(/^HTTP\/1\.1 408 /);
    expectErrorBody(bodyOf(data), 'body_timeout');
    expect(afterMs).toBeGreaterThanOrEqual(BODY_MS - 100);
  });

  it('answers 408 and closes a connection whose chunked body drips a byte at a time', async () => {
    const held = await open(suite.e2e.web.url, `POST ${hookPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const drip = setInterval(() => held.socket.write('1\r\n \r\n'), 100);
    try {
      const { data } = await closedWithin(held, BODY_MS + MARGIN_MS);
      expect(data).toMatch(/^HTTP\/1\.1 408 /);
      expectErrorBody(bodyOf(data), 'body_timeout');
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection whose headers never finish', async () => {
    const held = await open(suite.e2e.web.url, `POST ${hookPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const drip = setInterval(() => held.socket.write('a'), 100);
    try {
      const { data } = await closedWithin(held, HEADERS_MS + MARGIN_MS);
      // Node answers the headers timeout itself (408, no body of ours) or just closes.
      if (data) expect(data).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const held = await open(suite.e2e.web.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const { data, afterMs } = await closedWithin(held, KEEP_ALIVE_MS + MARGIN_MS);
    expect(data).toMatch(/^HTTP\/1\.1 200 /);
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100);
  });

  it('still reads a complete body that arrives in time', async () => {
    const res = await fetch(suite.e2e.web.url + hookPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // Unsigned: the adapter refuses it, which proves the body was read and handed on.
    expect(res.status).toBe(401);
  });
});

describe('HTTP connection cap', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function server(env: Record<string, string>): Promise<{ t: TestRuntime; web: WebHandle }> {
    const t = await createTestRuntime({ database: 'sqlite', env });
    const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await web.close();
      await t.dispose();
    });
    return { t, web };
  }

  async function healthz(url: string): Promise<number> {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    await res.text();
    return performance.now() - started;
  }

  it('keeps answering /healthz fast while 300 sockets stall', async () => {
    const { web } = await server({ HTTP_HEADERS_TIMEOUT_MS: '10000' });
    const held: HeldSocket[] = [];
    try {
      for (let i = 0; i < 300; i++) held.push(await open(web.url, `POST /hooks/slack/x${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `));
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await healthz(web.url));
      expect(Math.max(...times)).toBeLessThan(1000);
    } finally {
      for (const h of held) h.socket.destroy();
    }
  }, 30_000);

  it('refuses connections beyond HTTP_MAX_CONNECTIONS, and serves again once stalled ones time out', async () => {
    const { web } = await server({ HTTP_MAX_CONNECTIONS: '20', HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS) });
    const held: HeldSocket[] = [];
    try {
      for (let i = 0; i < 20; i++) held.push(await open(web.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      const extra = await open(web.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const { data } = await closedWithin(extra, MARGIN_MS);
      expect(data).toBe('');
      await Promise.all(held.map((h) => closedWithin(h, HEADERS_MS + MARGIN_MS)));
      expect(await healthz(web.url)).toBeLessThan(2000);
    } finally {
      for (const h of held) h.socket.destroy();
    }
  });
});
