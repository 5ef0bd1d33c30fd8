import type { z } from 'zod';
import type { BotRuntime, BotSettings } from '../core/bot.js';
import type { CheckReport } from '../core/check-report.js';
import type { Attachment, NormalizedMessage, ReplyTarget } from '../core/message.js';
import type { DeliveryProgress, FilePayload, Reply, SentRef } from '../core/reply.js';
import type { Platform } from '../core/platform.js';

// The domain contracts live in src/core/ (they depend on nothing); the adapters' own interfaces are below. The
// re-exports keep `./types.js` the one import adapters need.
export type { BotRuntime, BotSettings } from '../core/bot.js';
export type { CheckItem, CheckReport } from '../core/check-report.js';
export type { Attachment, NormalizedMessage, ReplyTarget } from '../core/message.js';
export { PLATFORMS, type Platform } from '../core/platform.js';
export type { DeliveredPart, DeliveryProgress, FilePayload, Reply, ReplyFile, SentRef } from '../core/reply.js';

/** A raw HTTP request as the adapters see it; the server captured the body before any parsing. */
export interface InboundRequest {
  method: string;
  /** Path after /hooks/:platform/:botId (usually ''), for adapters that route sub-paths. */
  subPath: string;
  query: Record<string, string>;
  /** Lower-cased header names. Repeated headers are joined by the server into arrays. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Milliseconds since the epoch; injectable for verification tests. */
  receivedAt: number;
}

/** The platform's own success answer. */
export interface Ack {
  status: number;
  body: string | object;
  contentType?: string;
  headers?: Record<string, string>;
}

export type IngressResult =
  | { kind: 'answer'; status: number; body: string | object; contentType?: string } // URL check, challenge, stream refresh
  | { kind: 'messages'; messages: NormalizedMessage[]; ack: Ack }
  | { kind: 'ignored'; ack: Ack; reason: string }; // own echo, unsupported event

/**
 * A streamed answer. `push` receives the whole text so far (cumulative) as often as deltas arrive;
 * the implementation coalesces and throttles to the platform's limits. `finish` sends the final text.
 */
export interface ReplyStream {
  push(textSoFar: string): void;
  finish(reply: Reply, progress?: DeliveryProgress): Promise<SentRef>;
  /** The run failed for good: show the fallback text where the partial answer was. */
  fail(reply: Reply, progress?: DeliveryProgress): Promise<SentRef>;
  /**
   * The attempt failed and another follows: show `note` where the partial answer was. Where ending a stream is
   * final for the platform, the stream stays open for the next attempt's answer or the fallback.
   */
  interrupt(note: string): Promise<void>;
}

export interface ReplySender {
  send(target: ReplyTarget, reply: Reply, progress?: DeliveryProgress): Promise<SentRef>;
  update?(ref: SentRef, reply: Reply): Promise<void>;
  /** Present when the platform can show a streamed answer for this target. */
  openStream?(target: ReplyTarget): Promise<ReplyStream>;
}

export interface AcceptOutcome {
  messageId: string;
  platformMessageId: string;
  duplicate: boolean;
}

/** The durable front door of the pipeline; adapters with their own connections (Socket Mode, Stream) use it. */
export interface Inbox {
  accept(messages: NormalizedMessage[]): Promise<AcceptOutcome[]>;
}

/** Long-lived connections (Slack Socket Mode, DingTalk Stream) get this at start. */
export interface AdapterRuntimeContext {
  inbox: Inbox;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  /** Modes this adapter serves, e.g. wecom: app | smart_bot. */
  readonly modes: readonly string[];
  /** Schema of credentials per mode: validated when a bot is saved; secret fields are write-only. */
  credentialsSchema(mode: string): z.ZodType<Record<string, string>>;
  /** Schema of settings per mode (defaults filled in). */
  settingsSchema(mode: string): z.ZodType<BotSettings>;
  /** Verify, decode and normalize one HTTP callback. Throws VerifyError / BadRequestError. */
  ingest(req: InboundRequest, bot: BotRuntime): Promise<IngressResult>;
  sender(bot: BotRuntime): ReplySender;
  downloadAttachment?(bot: BotRuntime, attachment: Attachment): Promise<FilePayload>;
  checkConnection(bot: BotRuntime): Promise<CheckReport>;
  /** For modes with their own connection (socket/stream): start receiving. */
  start?(bot: BotRuntime, ctx: AdapterRuntimeContext): Promise<void>;
  stop?(botId: string): Promise<void>;
  /** Release every resource (connections, timers). */
  close?(): Promise<void>;
  /** The long-lived connections this process holds, for /readyz and the console. */
  connectionStates?(): ConnectionState[];
}

/** One long-lived connection of a bot (DingTalk Stream, ...). */
export interface ConnectionState {
  botId: string;
  state: 'connecting' | 'open' | 'backoff' | 'stopped';
  /** When the current state began (ms since the epoch). */
  since: number;
  reconnects: number;
  lastError?: string;
  lastFrameAt?: number;
}
