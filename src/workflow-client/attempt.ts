import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { AxiosRequestConfig } from 'axios';
import { AttemptTimeout, CallerAbort, type TimeoutKind } from './errors.js';
import type { AttemptTimeouts } from './settings.js';

export interface AttemptLimits extends AttemptTimeouts {
  /** Whole attempt. */
  totalMs: number;
}

/** The `transport` axios accepts (node http/https `request`). */
export interface RequestTransport {
  request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest;
}

/**
 * One attempt's AbortController and its timers:
 * - connect: from start until the socket is connected (DNS included; a reused keep-alive socket counts at once),
 * - first byte: from connected until the response headers (`expectFirstByte` false for blocking calls),
 * - idle: between two chunks of a stream (restarted by `activity()`, pings included),
 * - total: the whole attempt.
 * The caller's signal aborts the attempt too. `abortReason` tells which fired (AttemptTimeout or CallerAbort).
 */
export class AttemptControl {
  private readonly controller = new AbortController();
  private readonly timers = new Map<TimeoutKind, NodeJS.Timeout>();
  /** Changes whenever a timer is re-armed, refreshed or cleared: a stale expiry check sees it and stands down. */
  private readonly generations = new Map<TimeoutKind, number>();
  private generation = 0;
  private reason: AttemptTimeout | CallerAbort | undefined;
  private readonly detachCaller: () => void;

  constructor(
    private readonly limits: AttemptLimits,
    callerSignal: AbortSignal | undefined,
    private readonly expectFirstByte: boolean,
  ) {
    const onCallerAbort = () => this.abort(new CallerAbort(callerSignal?.reason));
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    this.detachCaller = () => callerSignal?.removeEventListener('abort', onCallerAbort);
    this.arm('total', limits.totalMs);
    this.arm('connect', limits.connectMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get abortReason(): AttemptTimeout | CallerAbort | undefined {
    return this.reason;
  }

  get cancelledByCaller(): boolean {
    return this.reason instanceof CallerAbort;
  }

  /** A transport that reports the socket's connection to this attempt. */
  readonly transport: RequestTransport = {
    request: (options, callback) => {
      const isHttps = options.protocol === 'https:';
      const req = isHttps ? https.request(options, callback) : http.request(options, callback);
      req.once('socket', (socket: Socket) => {
        if (socket.connecting) socket.once('connect', () => this.connected());
        else this.connected();
      });
      return req;
    },
  };

  connected(): void {
    if (!this.timers.has('connect')) return;
    this.disarm('connect');
    if (this.expectFirstByte) this.arm('first_byte', this.limits.firstByteMs);
  }

  /** Response headers arrived. */
  firstByte(): void {
    this.disarm('connect');
    this.disarm('first_byte');
  }

  /** Start watching silences between chunks (streams). */
  startIdleWatch(): void {
    this.arm('idle', this.limits.idleMs);
  }

  /** A chunk arrived: the idle timer starts over. */
  activity(): void {
    const timer = this.timers.get('idle');
    if (timer) {
      timer.refresh();
      this.generations.set('idle', ++this.generation);
    }
  }

  /** Clears every timer and detaches from the caller's signal. */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.detachCaller();
  }

  private abort(reason: AttemptTimeout | CallerAbort): void {
    if (this.reason) return;
    this.reason = reason;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.controller.abort(reason);
  }

  private arm(kind: TimeoutKind, ms: number): void {
    this.disarm(kind);
    this.generations.set(kind, ++this.generation);
    const timer = setTimeout(() => {
      // A busy event loop can run this timer while the awaited bytes already sit in the socket. Let the pending
      // I/O be handled first (setImmediate runs after the poll phase) and give up only if nothing moved meanwhile:
      // a false timeout would repeat a run Dify is already answering.
      const seen = this.generations.get(kind);
      setImmediate(() => {
        if (this.timers.get(kind) === timer && this.generations.get(kind) === seen) this.abort(new AttemptTimeout(kind, ms));
      });
    }, ms);
    timer.unref?.();
    this.timers.set(kind, timer);
  }

  private disarm(kind: TimeoutKind): void {
    const timer = this.timers.get(kind);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(kind);
      this.generations.set(kind, ++this.generation);
    }
  }
}

/** A DNS resolution hook as axios takes it (split-horizon deployments, tests). */
export type DnsLookup = NonNullable<AxiosRequestConfig['lookup']>;
