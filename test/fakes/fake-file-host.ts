/**
 * A file host on 127.0.0.1, standing in for the workflow service's signed file links (Dify's `/files/...`):
 * `serve(path, body, type)` makes GET path answer 200 with those bytes; `fail(path, status)` makes it answer an
 * error (or a redirect, with `location`); `stall(path)` answers 200 with the headers and the first bytes of a body,
 * then sends nothing more while keeping the socket open. Everything else is 404. Requests are counted per path.
 *
 * The routes are a `FileRoutes` object so another fake can serve them on its own origin (FakeDify serves
 * `/files/...` next to its API, as Dify does).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Route =
  | { kind: 'answer'; status: number; body: Buffer; type: string; headers?: Record<string, string> }
  | { kind: 'stall'; firstBytes: Buffer; totalBytes: number; type: string };

export class FileRoutes {
  private readonly routes = new Map<string, Route>();
  private readonly counts = new Map<string, number>();
  private readonly stalled = new Set<ServerResponse>();

  constructor(private readonly origin: () => string) {}

  serve(path: string, body: Buffer, type: string): string {
    this.routes.set(path, { kind: 'answer', status: 200, body, type });
    return this.origin() + path;
  }

  fail(path: string, status: number, headers?: Record<string, string>): string {
    this.routes.set(path, { kind: 'answer', status, body: Buffer.from('error'), type: 'text/plain', headers });
    return this.origin() + path;
  }

  /** 200 with a Content-Length of `totalBytes`, then only `firstBytes` of it: the body never completes. */
  stall(path: string, opts: { firstBytes?: Buffer; totalBytes?: number; type?: string } = {}): string {
    const firstBytes = opts.firstBytes ?? Buffer.from('%PDF-1.4 partial');
    this.routes.set(path, { kind: 'stall', firstBytes, totalBytes: opts.totalBytes ?? firstBytes.length + 1_000_000, type: opts.type ?? 'application/pdf' });
    return this.origin() + path;
  }

  hits(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Answers a GET for a known path; false (nothing written) for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = this.routes.get(path);
    if (!route) return false;
    this.counts.set(path, this.hits(path) + 1);
    if (route.kind === 'stall') {
      res.writeHead(200, { 'content-type': route.type, 'content-length': String(route.totalBytes) });
      res.write(route.firstBytes);
      this.stalled.add(res);
      res.once('close', () => this.stalled.delete(res));
      return true;
    }
    res.writeHead(route.status, { 'content-type': route.type, 'content-length': String(route.body.length), ...route.headers }).end(route.body);
    return true;
  }

  /** Ends the stalled answers (their sockets), so servers can close. */
  closeStalled(): void {
    for (const res of this.stalled) res.destroy();
    this.stalled.clear();
  }
}

export interface FakeFileHost {
  url: string;
  serve(path: string, body: Buffer, type: string): string;
  fail(path: string, status: number, headers?: Record<string, string>): string;
  stall(path: string, opts?: { firstBytes?: Buffer; totalBytes?: number; type?: string }): string;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFakeFileHost(): Promise<FakeFileHost> {
  let url = '';
  const routes = new FileRoutes(() => url);
  const server: Server = createServer((req, res) => {
    if (!routes.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve: (path, body, type) => routes.serve(path, body, type),
    fail: (path, status, headers) => routes.fail(path, status, headers),
    stall: (path, opts) => routes.stall(path, opts),
    hits: (path) => routes.hits(path),
    close: () => {
      routes.closeStalled();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
