/**
 * DingTalk Stream mode: one long-lived WebSocket per bot, no public URL needed.
 *
 *   POST {gateway}/v1.0/gateway/connections/open {clientId, clientSecret, subscriptions, ua}
 *     → {endpoint, ticket}  (the ticket is good for one connection within 90 s)
 *   WebSocket endpoint?ticket=…  → frames {specVersion, type: SYSTEM|EVENT|CALLBACK, headers: {topic, messageId, …},
 *   data: "<JSON>"}; each is answered with an ack {code, headers: {messageId, contentType}, message, data: "<JSON>"}.
 *
 * Why our own client on `ws` and not the official `dingtalk-stream` SDK (2.1.5): it reconnects at a fixed 1 s with
 * no backoff (a storm when the gateway is down), has no liveness check (a silent socket stays "connected" forever),
 * acks EVENT frames synchronously from the listener (before anything was persisted), hard-codes the gateway URL and
 * prints its config — client secret included — to stdout. None of that can be changed through its public API.
 *
 * Guarantees here:
 * - a robot message is acked only after the inbox accepted (persisted) it; a failed accept leaves it unacked, so
 *   DingTalk redelivers it, and the inbox dedupes on msgId. Frame messageIds already acked are re-acked without work.
 * - reconnects back off exponentially with jitter from 1 s to 60 s; a planned `disconnect` reconnects at once.
 * - a connection with no frame for `zombieTimeoutMs` (DingTalk's keepalives arrive every 20–30 s) is dropped and
 *   reopened: a socket can stay open while DingTalk has stopped delivering to it.
 */
import { LRUCache } from 'lru-cache';
import WebSocket from 'ws';
import type { Logger } from '../../observability/logger.js';
import { sleep } from '../../core/retry.js';
import type { ConnectionState, Inbox } from '../types.js';
import type { DingtalkApiClient } from './api-client.js';
import { isRecord, parseJsonObject, parseStreamFrame, type StreamFrame } from './decode.js';
import type { RobotCallback } from './normalize.js';

export const ROBOT_TOPIC = '/v1.0/im/bot/messages/get';
export const STREAM_SUBSCRIPTIONS: ReadonlyArray<{ type: string; topic: string }> = [
  { type: 'CALLBACK', topic: ROBOT_TOPIC },
  { type: 'EVENT', topic: '*' },
];
export const STREAM_UA = 'switchboard-dingtalk/1';

export type StreamConnectionState = ConnectionState;
export type StreamState = ConnectionState['state'];

export interface StreamClientOptions {
  botId: string;
  api: Pick<DingtalkApiClient, 'openStreamConnection'>;
  gatewayUrl: string;
  inbox: Inbox;
  logger: Logger;
  /** A robot message (the CALLBACK frame's data) → a normalized message or the reason to ignore it. */
  normalize(data: Record<string, unknown>, receivedAt: number): RobotCallback;
  /** @defaultValue 90000 */
  zombieTimeoutMs?: number;
  /** @defaultValue 1000 */
  initialBackoffMs?: number;
  /** @defaultValue 60000 */
  maxBackoffMs?: number;
  /** A connection open this long counts as stable: the backoff starts over. @defaultValue 30000 */
  stableAfterMs?: number;
  /** @defaultValue 10000 */
  handshakeTimeoutMs?: number;
  random?: () => number;
  clock?: () => number;
  onState?(state: StreamConnectionState, reason?: string): void;
}

type Ack = { code: number; headers: { messageId: string; contentType: 'application/json' }; message: string; data: string };

/** Delay before reconnect attempt `attempt` (0-based): exponential from `initial` to `max`, jittered within [½, 1]. */
export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export class DingtalkStreamClient {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private socket: WebSocket | undefined;
  private readonly abort = new AbortController();
  private readonly acked = new LRUCache<string, true>({ max: 10_000 });
  private readonly inflight = new Map<string, Promise<Ack | undefined>>();
  private current: StreamConnectionState;
  private opened = 0;
  private readonly clock: () => number;
  private readonly zombieMs: number;

  constructor(private readonly opts: StreamClientOptions) {
    this.clock = opts.clock ?? Date.now;
    this.zombieMs = opts.zombieTimeoutMs ?? 90_000;
    this.current = { botId: opts.botId, state: 'connecting', since: this.clock(), reconnects: 0 };
  }

  get state(): StreamConnectionState {
    return { ...this.current };
  }

  /** Starts the connect loop in the background; failures are retried with backoff, never thrown. */
  start(): void {
    if (this.loop) return;
    this.loop = this.run().catch((err: unknown) => this.opts.logger.error({ err, botId: this.opts.botId }, 'dingtalk stream loop crashed'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('stopped'));
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'stopping');
    await this.loop;
    this.setState('stopped');
  }

  private setState(state: StreamState, extra: Partial<StreamConnectionState> = {}, reason?: string): void {
    this.current = { ...this.current, ...extra, state, since: this.clock() };
    this.opts.onState?.(this.state, reason);
  }

  private async run(): Promise<void> {
    const initial = this.opts.initialBackoffMs ?? 1_000;
    const max = this.opts.maxBackoffMs ?? 60_000;
    const stableAfter = this.opts.stableAfterMs ?? 30_000;
    let attempt = 0;
    while (!this.stopped) {
      this.setState('connecting');
      let outcome: SessionEnd;
      try {
        const { endpoint, ticket } = await this.opts.api.openStreamConnection(this.opts.gatewayUrl, STREAM_SUBSCRIPTIONS, STREAM_UA);
        if (this.stopped) break;
        const url = new URL(endpoint);
        url.searchParams.set('ticket', ticket);
        outcome = await this.session(url);
      } catch (err) {
        outcome = { reason: 'open_failed', error: (err as Error).message?.slice(0, 300) ?? 'failed' };
      }
      if (this.stopped) break;
      if (outcome.error) this.current.lastError = outcome.error;
      if (outcome.reason === 'disconnect' || (outcome.openMs ?? 0) >= stableAfter) attempt = 0;
      // A planned disconnect: DingTalk already routes new messages elsewhere, so come back at once (with a little
      // jitter so many bots do not arrive together). Anything else backs off.
      const delay = outcome.reason === 'disconnect' ? Math.round(250 * (this.opts.random ?? Math.random)()) : reconnectDelayMs(attempt++, initial, max, this.opts.random);
      this.opts.logger.warn({ botId: this.opts.botId, reason: outcome.reason, error: outcome.error, delayMs: delay }, 'dingtalk stream connection ended; reconnecting');
      this.setState('backoff', {}, outcome.reason);
      await sleep(delay, this.abort.signal).catch(() => undefined);
    }
  }

  /** One WebSocket connection, from handshake to close. */
  private session(url: URL): Promise<SessionEnd> {
    return new Promise<SessionEnd>((resolve) => {
      const socket = new WebSocket(url, { handshakeTimeout: this.opts.handshakeTimeoutMs ?? 10_000, maxPayload: 4 * 1024 * 1024, perMessageDeflate: false });
      this.socket = socket;
      let openedAt: number | undefined;
      let reason = 'closed';
      let error: string | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      const end = (why: string) => {
        reason = why;
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
      };
      socket.on('open', () => {
        if (this.stopped) return void socket.close(1000, 'stopping');
        openedAt = this.clock();
        this.current.lastFrameAt = openedAt;
        this.setState('open', this.opened++ > 0 ? { reconnects: this.current.reconnects + 1, lastError: undefined } : { lastError: undefined });
        this.opts.logger.info({ botId: this.opts.botId, reconnects: this.current.reconnects }, 'dingtalk stream connected');
        watchdog = setInterval(() => {
          if (this.clock() - (this.current.lastFrameAt ?? 0) > this.zombieMs) {
            this.opts.logger.warn({ botId: this.opts.botId, silentMs: this.clock() - (this.current.lastFrameAt ?? 0) }, 'dingtalk stream silent for too long; reconnecting');
            end('zombie');
          }
        }, Math.max(50, Math.min(5_000, Math.floor(this.zombieMs / 3))));
        watchdog.unref();
      });
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        this.current.lastFrameAt = this.clock();
        if (isBinary) return;
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        void this.onFrame(socket, text, end);
      });
      socket.on('error', (err) => {
        error = err.message.slice(0, 300);
      });
      socket.on('close', () => {
        if (watchdog) clearInterval(watchdog);
        if (this.socket === socket) this.socket = undefined;
        resolve({ reason, error, openMs: openedAt === undefined ? undefined : this.clock() - openedAt });
      });
    });
  }

  private async onFrame(socket: WebSocket, text: string, end: (why: string) => void): Promise<void> {
    let frame: StreamFrame;
    try {
      frame = parseStreamFrame(text);
    } catch (err) {
      this.opts.logger.warn({ botId: this.opts.botId, code: (err as { code?: string }).code }, 'dingtalk stream: unreadable frame ignored');
      return;
    }
    const { topic, messageId } = frame.headers;
    if (frame.type === 'SYSTEM') {
      if (topic === 'ping') this.send(socket, ack(messageId, 200, 'OK', frame.data || '{}'));
      else if (topic === 'disconnect') {
        this.opts.logger.info({ botId: this.opts.botId, reason: reasonOf(frame.data) }, 'dingtalk stream: the gateway asked us to reconnect');
        end('disconnect');
      }
      return;
    }
    if (frame.type === 'EVENT') {
      // Events are not consumed yet: acknowledge so DingTalk does not redeliver them.
      this.send(socket, ack(messageId, 200, 'OK', JSON.stringify({ status: 'SUCCESS', message: 'OK' })));
      return;
    }
    if (topic !== ROBOT_TOPIC) {
      this.send(socket, ack(messageId, 404, 'not implemented', JSON.stringify({ response: null })));
      return;
    }
    const answer = await this.acceptOnce(messageId, frame.data);
    if (answer && socket.readyState === WebSocket.OPEN) this.send(socket, answer);
  }

  /** Accepts a robot message once per frame messageId; redeliveries wait for (or reuse) the first attempt. */
  private acceptOnce(messageId: string, data: string): Promise<Ack | undefined> {
    const okAck = ack(messageId, 200, 'OK', JSON.stringify({ response: null }));
    if (this.acked.has(messageId)) return Promise.resolve(okAck);
    const running = this.inflight.get(messageId);
    if (running) return running;
    const p = this.accept(data)
      .then(() => {
        this.acked.set(messageId, true);
        return okAck;
      })
      .catch((err: unknown) => {
        // Not acked: DingTalk delivers it again, and the inbox dedupes on msgId.
        this.opts.logger.error({ botId: this.opts.botId, code: (err as { code?: string }).code, err: (err as Error).message }, 'dingtalk stream: message not accepted; left unacked for redelivery');
        return undefined;
      })
      .finally(() => this.inflight.delete(messageId));
    this.inflight.set(messageId, p);
    return p;
  }

  private async accept(data: string): Promise<void> {
    let body: Record<string, unknown>;
    let result: RobotCallback;
    try {
      body = parseJsonObject(data, 'Robot message');
      result = this.opts.normalize(body, this.clock());
    } catch (err) {
      // A message we can never read would come back forever: acknowledge it and say why here.
      this.opts.logger.warn({ botId: this.opts.botId, code: (err as { code?: string }).code }, 'dingtalk stream: malformed robot message acknowledged and dropped');
      return;
    }
    if (result.kind === 'ignored') {
      this.opts.logger.debug({ botId: this.opts.botId, reason: result.reason }, 'dingtalk stream: message ignored');
      return;
    }
    await this.opts.inbox.accept([result.message]);
  }

  private send(socket: WebSocket, message: Ack): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(message), (err) => {
      if (err) this.opts.logger.warn({ botId: this.opts.botId, err: err.message }, 'dingtalk stream: ack not sent');
    });
  }
}

interface SessionEnd {
  reason: string;
  error?: string;
  openMs?: number;
}

function ack(messageId: string, code: number, message: string, data: string): Ack {
  return { code, headers: { messageId, contentType: 'application/json' }, message, data };
}

function reasonOf(data: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return isRecord(parsed) && typeof parsed.reason === 'string' ? parsed.reason.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
