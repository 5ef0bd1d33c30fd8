/**
 * Replays Dify's own published bodies (test/fixtures/dify) byte for byte from a real HTTP server on 127.0.0.1.
 * Unlike FakeDify it makes nothing up: every run answer is a queued fixture, served as written.
 *
 * ```ts
 * const replay = await DifyReplay.start();
 * replay.mode = 'agent';                          // GET /info answers the docs' appInfo example with this mode
 * replay.answer('/chat-messages', difyFixture('composed/new-agent-streaming'));
 * await createWorkflowClient({ ...config, baseUrl: replay.url, apiKey: replay.apiKey }, deps).run(...);
 * replay.requests                                  // what the client sent
 * ```
 * - `GET /info`: the docs' appInfo body with `mode` replaced by `replay.mode`; `mode = undefined` → 503 (unavailable).
 * - `GET /parameters`: the docs' appParameters body (its form requires the input `city`); `parameters = null` → 503.
 * - Any path answers the next fixture queued for it first (`answer(path, …)`).
 * - `POST /files/upload` with nothing queued: `{id, name, size, mime_type}`.
 * - Run endpoints with nothing queued → 599, so a test fails loudly.
 * - A wrong key → 401 with Dify's `unauthorized` body.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { difyJsonFixture, type DifyFixture } from '../fixtures/dify/index.js';

export interface ReplayRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or the raw text (multipart uploads). */
  body: unknown;
}

export type ReplayAnswer = DifyFixture | { kind: 'raw'; status: number; contentType: string; text: string };

export class DifyReplay {
  readonly apiKey = 'app-replay-key';
  readonly requests: ReplayRequest[] = [];
  /** The app mode `/info` reports; undefined: `/info` is unavailable. */
  mode: string | undefined = 'chat';
  /** The `/parameters` body; null: unavailable. */
  parameters: unknown = difyJsonFixture('openapi/parameters').body;
  url = '';
  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly queues = new Map<string, ReplayAnswer[]>();

  static async start(): Promise<DifyReplay> {
    const replay = new DifyReplay();
    replay.server = http.createServer((req, res) => {
      replay.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      });
    });
    replay.server.on('connection', (socket) => {
      replay.sockets.add(socket);
      socket.on('close', () => replay.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => replay.server.listen(0, '127.0.0.1', resolve));
    replay.url = `http://127.0.0.1:${(replay.server.address() as AddressInfo).port}/v1`;
    return replay;
  }

  /** Queues answers for the next requests to `path` (e.g. '/chat-messages'), in order. */
  answer(path: string, ...answers: ReplayAnswer[]): this {
    const queue = this.queues.get(path) ?? [];
    queue.push(...answers);
    this.queues.set(path, queue);
    return this;
  }

  runRequests(): ReplayRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && ['/chat-messages', '/completion-messages', '/workflows/run'].includes(r.path));
  }

  /** Forgets requests and queued answers; restores /info and /parameters. */
  reset(): void {
    this.requests.length = 0;
    this.queues.clear();
    this.mode = 'chat';
    this.parameters = difyJsonFixture('openapi/parameters').body;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://replay').pathname.replace(/^\/v1/, '');
    let body: unknown = raw;
    if ((req.headers['content-type'] ?? '').includes('application/json') && raw) body = JSON.parse(raw) as unknown;
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return send(res, { kind: 'raw', status: 401, contentType: 'application/json', text: JSON.stringify({ code: 'unauthorized', message: 'Access token is invalid', status: 401 }) });
    }
    const queued = this.queues.get(path)?.shift();
    if (queued) return send(res, queued);
    if (req.method === 'GET' && path === '/info') {
      if (this.mode === undefined) return send(res, unavailable());
      const info = difyJsonFixture('openapi/info').body as Record<string, unknown>;
      return send(res, { kind: 'raw', status: 200, contentType: 'application/json', text: JSON.stringify({ ...info, mode: this.mode }) });
    }
    if (req.method === 'GET' && path === '/parameters') {
      if (this.parameters === null) return send(res, unavailable());
      return send(res, { kind: 'raw', status: 200, contentType: 'application/json', text: JSON.stringify(this.parameters) });
    }
    if (req.method === 'POST' && path === '/files/upload') {
      const name = /filename="([^"]*)"/.exec(raw)?.[1] ?? 'file';
      return send(res, { kind: 'raw', status: 201, contentType: 'application/json', text: JSON.stringify({ id: `upload-${this.requests.length}`, name, size: raw.length, mime_type: 'image/png' }) });
    }
    return send(res, { kind: 'raw', status: 599, contentType: 'text/plain', text: `nothing queued for ${req.method} ${path}` });
  }
}

function unavailable(): ReplayAnswer {
  return { kind: 'raw', status: 503, contentType: 'text/html', text: '<html><body>503 Service Unavailable</body></html>' };
}

function send(res: http.ServerResponse, answer: ReplayAnswer): void {
  if (answer.kind === 'sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(answer.text);
  } else if (answer.kind === 'json') {
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  } else {
    res.writeHead(answer.status, { 'Content-Type': answer.contentType });
    res.end(answer.text);
  }
}
