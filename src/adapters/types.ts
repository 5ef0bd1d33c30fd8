import type { z } from 'zod';

export type Platform = 'wecom' | 'dingtalk' | 'slack';
export const PLATFORMS: readonly Platform[] = ['wecom', 'dingtalk', 'slack'];

export interface Attachment {
  kind: 'image' | 'file' | 'audio' | 'video';
  /** Adapter-specific reference the adapter can download later (media id, URL, file id). */
  ref: string;
  name?: string;
  mime?: string;
  size?: number;
}

/** Everything a sender needs to answer: adapter-specific, persisted as JSON on the message row. */
export type ReplyTarget = Record<string, unknown>;

export interface NormalizedMessage {
  /** Platform message id as an exact string (64-bit ids stay strings). Dedupe key with botId. */
  id: string;
  platform: Platform;
  tenantId: string;
  botId: string;
  conversation: { id: string; type: 'direct' | 'group'; threadId?: string };
  sender: { id: string; name?: string };
  /** Mentions of the bot stripped. */
  text: string;
  mentionsBot: boolean;
  attachments: Attachment[];
  replyTarget: ReplyTarget;
  /** ISO 8601. */
  receivedAt: string;
}

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

/** A file to send or an input file downloaded from the platform. */
export interface FilePayload {
  name: string;
  mime: string;
  data: Buffer;
}

/** A file produced by the workflow; either already downloaded (data) or reachable (url). */
export interface ReplyFile {
  name: string;
  mime?: string;
  url?: string;
  /**
   * True when `url` is on the workflow service's own host (its signed file links): senders may fetch and upload
   * it. Other URLs are only linked (see reply-files.ts).
   */
  hostedByWorkflow?: boolean;
  data?: Buffer;
  kind?: 'image' | 'file' | 'audio' | 'video';
}

export interface Reply {
  /** Markdown as produced by the workflow. The sender renders it for its platform. */
  text: string;
  files?: ReplyFile[];
  /** Optional small print (usage, cost); senders may render it as a context line. */
  footer?: string;
}

/** What a sender returns: enough to edit the message later. Persisted on the Delivery row. */
export interface SentRef {
  platformMessageId: string;
  /** Adapter-specific extra needed to update (channel id, stream id, ...). */
  data?: Record<string, unknown>;
}

/** One part of a reply that reached the platform (a text message, a file), as its sender recorded it. */
export interface DeliveredPart {
  /** The answer's text reached the user with this part. */
  text?: boolean;
  /** What the part created on the platform (message ts, msgid, file id), so a later attempt can continue after it. */
  ids?: string[];
  /** Sender-specific facts about the part (JSON). */
  data?: Record<string, unknown>;
  /** Delivered, but not as intended (a file posted as a link): shown on the message. */
  warning?: string;
}

/**
 * What earlier attempts of one delivery already put on the platform. A sender skips the parts found here and
 * records each part as soon as it is on the platform (awaiting the record before the next part), so a retried
 * delivery never posts a part twice. Part names are the sender's own ('text', 'file:0', ...).
 */
export interface DeliveryProgress {
  get(part: string): DeliveredPart | undefined;
  record(part: string, delivered: DeliveredPart): Promise<void>;
}

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

export interface CheckItem {
  name: string;
  ok: boolean;
  /** A precise human sentence; on failure it says what to fix. */
  detail: string;
}

export interface CheckReport {
  ok: boolean;
  items: CheckItem[];
  /** Setup facts to show in the console: callback URL, token, keys to paste, manifest. */
  setup?: Record<string, string>;
}

export type BotSettings = Record<string, unknown>;

/** A bot as adapters see it at runtime: credentials decrypted, never logged. */
export interface BotRuntime {
  id: string;
  tenantId: string;
  name: string;
  platform: Platform;
  mode: string;
  credentials: Record<string, string>;
  settings: BotSettings;
  enabled: boolean;
  workflowId: string | null;
  /** none: reply at once; always: hold the answer as a draft for a human. @defaultValue 'none' */
  approvalPolicy?: 'none' | 'always';
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
