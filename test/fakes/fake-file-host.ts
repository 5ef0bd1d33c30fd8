/**
 * A file host on 127.0.0.1, standing in for the workflow service's signed file links (Dify's `/files/...`):
 * `serve(path, body, type)` makes GET path answer 200 with those bytes; `fail(path, status)` makes it answer an
 * error (or a redirect, with `location`). Everything else is 404. Requests are counted per path.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Route {
  status: number;
  body: Buffer;
  type: string;
  headers?: Record<string, string>;
}

export interface FakeFileHost {
  url: string;
  serve(path: string, body: Buffer, type: string): string;
  fail(path: string, status: number, headers?: Record<string, string>): string;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFakeFileHost(): Promise<FakeFileHost> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(route.status, { 'content-type': route.type, 'content-length': String(route.body.length), ...route.headers }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serve(path, body, type) {
      routes.set(path, { status: 200, body, type });
      return `${url}${path}`;
    },
    fail(path, status, headers) {
      routes.set(path, { status, body: Buffer.from('error'), type: 'text/plain', headers });
      return `${url}${path}`;
    },
    hits: (path) => hits.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
