import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { AuthenticationError, UpstreamError } from '../../../src/workflow-client/errors.js';
import { CONTEXT, clientFor, request } from './helpers.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
let server: http.Server;
let url = '';
const received: Received[] = [];
let answer: (n: number) => { status: number; body: unknown } = () => ({ status: 200, body: { data: { reply: 'hi from http' } } });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
      const { status, body } = answer(received.length);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  answer = () => ({ status: 200, body: { data: { reply: 'hi from http' } } });
});

const target = () => ({ url, apiKey: 's3cret-value' });

test('posts the normalized request and reads the answer at outputSelector, with the secret header', async () => {
  const client = clientFor(target() as never, 'http', { baseUrl: url, outputSelector: 'data.reply', settings: { secretHeader: 'X-Hook-Secret' } });
  const result = await client.run(request('hello', { context: CONTEXT, conversationId: 'c-1' }));
  expect(result.answer).toBe('hi from http');
  expect(received[0]?.headers['x-hook-secret']).toBe('s3cret-value');
  expect(received[0]?.body).toMatchObject({ query: 'hello', user: 'slack:U123', conversationId: 'c-1', context: { sender: { id: 'U123' } } });
});

test('bodyTemplate builds the body from the template language', async () => {
  const client = clientFor(target() as never, 'http', {
    baseUrl: url,
    outputSelector: 'data.reply',
    settings: { bodyTemplate: { text: '{{message.text}}', who: { id: '{{sender.id}}', on: '{{platform}}' }, fixed: 3 } },
  });
  await client.run(request('ignored', { context: { ...CONTEXT, message: { ...CONTEXT.message, text: 'quote " and }} inside' } } }));
  expect(received[0]?.body).toEqual({ text: 'quote " and }} inside', who: { id: 'U123', on: 'slack' }, fixed: 3 });
  expect(received[0]?.headers['x-hook-secret']).toBeUndefined();
});

test('same retry policy: 503 retried, 401 not', async () => {
  answer = (n) => (n === 1 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: { answer: 'second time' } });
  const client = clientFor(target() as never, 'http', { baseUrl: url });
  expect((await client.run(request('x'))).answer).toBe('second time');
  expect(received).toHaveLength(2);

  received.length = 0;
  answer = () => ({ status: 401, body: { error: 'who are you' } });
  const err = await client.run(request('x')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect(received).toHaveLength(1);
});

test('nothing at the selector is a permanent error saying where it looked', async () => {
  const client = clientFor(target() as never, 'http', { baseUrl: url, outputSelector: 'data.missing' });
  const err = await client.run(request('x')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as UpstreamError).message).toContain('"data.missing"');
  expect((err as UpstreamError).retryable).toBe(false);
});

test('an invalid bodyTemplate is refused when the client is created', () => {
  expect(() => clientFor(target() as never, 'http', { baseUrl: url, settings: { bodyTemplate: { a: '{{sender.password}}' } } })).toThrow(/unknown placeholder "\{\{sender.password\}\}"/);
});

test('check() says whether the endpoint is reachable and takes the secret', async () => {
  answer = () => ({ status: 405, body: {} });
  const ok = await clientFor(target() as never, 'http', { baseUrl: url }).check();
  expect(ok).toEqual({ ok: true, items: [{ name: 'endpoint', ok: true, detail: `The endpoint ${url} is reachable (it answered 405 to a HEAD request).` }] });
  answer = () => ({ status: 403, body: {} });
  const refused = await clientFor(target() as never, 'http', { baseUrl: url, settings: { secretHeader: 'X-Hook-Secret' } }).check();
  expect(refused.items[0]?.detail).toBe(`The endpoint ${url} refused the secret (403). Check the secret and the header name (X-Hook-Secret).`);
});
