import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { AppError, BadRequestError, UnavailableError } from '../../errors.js';
import type { Ack, NormalizedMessage } from '../types.js';

/**
 * A Bolt `Receiver` with no server of its own: Switchboard's Koa route (or the Socket Mode connection) verifies
 * and decodes the request, then calls `dispatch(body)`.
 *
 * How Bolt's ack becomes our IngressResult: `dispatch` hands Bolt a ReceiverEvent whose `ack` only records the
 * response (Bolt acks events before its listeners run; commands and actions are acked by the listener), and a
 * per-request `Collector` as a custom context property. Listeners push NormalizedMessages (or the reason they
 * ignored the event) into the collector. When `app.processEvent` has settled — listeners only normalise, they
 * never call Dify or the Web API — `dispatch` returns the messages plus the recorded ack. The caller then makes
 * the messages durable (inbox.accept) and only after that writes the ack to Slack.
 */
export const COLLECTOR_KEY = 'switchboard';

export interface Collector {
  messages: NormalizedMessage[];
  reasons: string[];
  /** ISO time the request arrived. */
  receivedAt: string;
}

export interface DispatchOutcome {
  messages: NormalizedMessage[];
  /** Why nothing was produced (first reason), when `messages` is empty. */
  reason: string;
  ack: Ack;
  /** The raw ack payload, for Socket Mode envelopes. */
  ackPayload: Record<string, unknown> | undefined;
}

export interface DispatchOptions {
  retryNum?: number;
  retryReason?: string;
  /** Milliseconds since the epoch. @defaultValue Date.now() */
  receivedAt?: number;
}

export function collectorOf(context: Record<string, unknown>): Collector {
  const c = context[COLLECTOR_KEY] as Collector | undefined;
  if (!c) throw new Error('Switchboard collector missing from the Bolt context');
  return c;
}

export class SwitchboardReceiver implements Receiver {
  private app: App | undefined;

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async dispatch(body: Record<string, unknown>, opts: DispatchOptions = {}): Promise<DispatchOutcome> {
    const app = this.app;
    if (!app) throw new UnavailableError('slack_app_not_ready', 'Slack app not initialised');
    const collector: Collector = { messages: [], reasons: [], receivedAt: new Date(opts.receivedAt ?? Date.now()).toISOString() };
    let acked = false;
    let response: unknown;
    const event: ReceiverEvent = {
      body,
      retryNum: opts.retryNum,
      retryReason: opts.retryReason,
      customProperties: { [COLLECTOR_KEY]: collector },
      ack: async (res?: unknown) => {
        if (acked) return; // at most once, like Bolt's HTTPResponseAck
        acked = true;
        response = res;
      },
    };
    try {
      await app.processEvent(event);
    } catch (err) {
      const original = unwrap(err);
      if (original instanceof AppError) throw original;
      // Bolt's middleware reads the payload's fields unchecked: a signed but mis-shaped payload (actions not an
      // array, view null, ...) fails there with a TypeError. That is bad input, and retrying it cannot help.
      if (original instanceof TypeError) throw new BadRequestError('slack_bad_payload', 'Slack payload has an unexpected shape', { cause: original });
      throw new UnavailableError('slack_listener_failed', 'A Slack listener failed', { cause: original });
    }
    return {
      messages: collector.messages,
      reason: collector.reasons[0] ?? `unsupported_${describe(body)}`,
      ack: toAck(response),
      ackPayload: typeof response === 'string' ? { text: response } : isObject(response) ? response : undefined,
    };
  }
}

function toAck(response: unknown): Ack {
  if (response === undefined || response === null || response === '') return { status: 200, body: '' };
  if (typeof response === 'string') return { status: 200, body: response, contentType: 'text/plain; charset=utf-8' };
  return { status: 200, body: response as object, contentType: 'application/json; charset=utf-8' };
}

function describe(body: Record<string, unknown>): string {
  const event = body.event;
  if (isObject(event) && typeof event.type === 'string') return event.type;
  return typeof body.type === 'string' ? body.type : 'payload';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bolt wraps listener errors (UnknownError.original, MultipleListenerError.originals). */
function unwrap(err: unknown): unknown {
  if (isObject(err) && 'original' in err && err.original instanceof Error) return err.original;
  if (isObject(err) && 'originals' in err && Array.isArray(err.originals) && err.originals[0] instanceof Error) return err.originals[0];
  return err;
}
