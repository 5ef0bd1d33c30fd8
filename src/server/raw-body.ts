import type { IncomingMessage } from 'node:http';
import { BadRequestError } from '../errors.js';

export class PayloadTooLargeError extends BadRequestError {
  constructor(limit: number) {
    super('payload_too_large', `request body exceeds ${limit} bytes`, { status: 413 });
  }
}

/** The body did not arrive in time (stalled or dripping client): 408, and the connection is closed after the answer. */
export class BodyTimeoutError extends BadRequestError {
  constructor(timeoutMs: number) {
    super('body_timeout', `the request body did not arrive within ${timeoutMs} ms`, { status: 408 });
  }
}

/** Rejects by Content-Length before reading anything. */
export function assertDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new PayloadTooLargeError(limit);
}

/**
 * Reads the raw body, counting bytes as they arrive: a chunked body that grows past the limit is cut at once
 * (413), never buffered whole; a body not complete within `timeoutMs` of the call is cut too (408), however slowly
 * it keeps dripping.
 */
export function readRawBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  assertDeclaredLength(req, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => finish(new BodyTimeoutError(timeoutMs)), timeoutMs);
    const finish = (err: Error | null, body?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      if (err) {
        // Stop reading but let the response go out; the socket is closed after the answer.
        req.resume();
        reject(err);
      } else resolve(body ?? Buffer.alloc(0));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(new PayloadTooLargeError(limit));
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    const onError = (err: Error) => finish(new BadRequestError('body_read_failed', 'could not read the request body', { cause: err }));
    const onAborted = () => finish(new BadRequestError('body_read_failed', 'the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
