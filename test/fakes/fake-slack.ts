/**
 * FakeSlack: a Slack Web API + Socket Mode server on 127.0.0.1 for tests and benchmarks.
 *
 *   const slack = await FakeSlack.start({ scopes: ['chat:write', ...] });
 *   createSlackAdapter({ ..., slackApiUrl: slack.apiUrl });     // every Web API call lands here
 *   slack.calls / slack.callsTo('chat.update')                  // log of received calls (method, args, token)
 *   slack.failNext('chat.postMessage', { error: 'not_in_channel' })   // scripted platform error (ok:false)
 *   slack.failNext('chat.update', { status: 429, retryAfter: 1 })     // 429 with Retry-After (seconds)
 *   slack.failNext('auth.test', { status: 500 }, 3)                    // HTTP error, 3 times
 *   slack.failNext('chat.postMessage', { error: 'msg_too_long' }, 1, 2) // the 3rd call fails (2 let through)
 *   slack.nativeStreaming = 'unknown_method'                   // chat.startStream answers this error ('ok' default)
 *   slack.messages.get(ts) / slack.threadMessages(channel, threadTs)   // what the channel shows now
 *   slack.streams.get(ts)                                      // native streams: text so far, stopped?
 *   slack.uploads / slack.shares                               // files API v2 uploads and where they were shared
 *   const url = slack.addFile('a.pdf', bytes, 'application/pdf') // a url_private_download needing the bot token
 *   // Socket Mode: apps.connections.open (xapp- token) returns ws://127.0.0.1:<port>/socket-mode
 *   await slack.socket.connected();                            // a client said hello
 *   const ack = await slack.socket.send('events_api', payload, { retryAttempt: 0 }); // resolves with the client's ack
 *   await slack.close();
 *
 * Defaults: bot token `xoxb-fake-bot-token`, app token `xapp-fake-app-token`, team T0FAKE, bot user U0BOT, bot B0BOT.
 * Methods: auth.test (x-oauth-scopes header), chat.postMessage/update/delete, chat.startStream/appendStream/
 * stopStream, files.getUploadURLExternal + POST /upload/:id + files.completeUploadExternal, conversations.info,
 * apps.connections.open; anything else answers `unknown_method`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  scopes?: string[];
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export type ScriptedFailure =
  | { error: string; extra?: Record<string, unknown> }
  | { status: 429; retryAfter: number }
  | { status: number; body?: string };

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  threadTs?: string;
  deleted?: boolean;
}

export interface FakeStream {
  channel: string;
  ts: string;
  threadTs: string;
  text: string;
  stopped: boolean;
  blocks?: unknown;
  recipientTeamId?: string;
  recipientUserId?: string;
}

export interface SocketEnvelopeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export const DEFAULT_SCOPES = [
  'app_mentions:read',
  'chat:write',
  'im:history',
  'files:read',
  'files:write',
  'channels:history',
  'groups:history',
  'mpim:history',
];

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly streams = new Map<string, FakeStream>();
  readonly uploads = new Map<string, { filename: string; length: number; data?: Buffer }>();
  readonly shares: { fileIds: string[]; channel: string; threadTs?: string }[] = [];
  nativeStreaming: 'ok' | 'unknown_method' | 'not_allowed' = 'ok';
  scopes: string[];
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly socket: FakeSocketMode;

  /** Per method, what its next calls answer: a scripted failure, or undefined to let the call through. */
  private readonly failures = new Map<string, (ScriptedFailure | undefined)[]>();
  private readonly files = new Map<string, { data: Buffer; mime: string }>();
  private tsCounter = 0;
  private url_ = '';

  private constructor(
    private readonly server: Server,
    opts: FakeSlackOptions,
  ) {
    this.botToken = opts.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = opts.appToken ?? 'xapp-fake-app-token';
    this.scopes = opts.scopes ?? [...DEFAULT_SCOPES];
    this.teamId = opts.teamId ?? 'T0FAKE';
    this.botUserId = opts.botUserId ?? 'U0BOT';
    this.botId = opts.botId ?? 'B0BOT';
    this.socket = new FakeSocketMode();
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server, opts);
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    server.on('upgrade', (req, socket, head) => fake.socket.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake.url_ = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return this.url_;
  }

  /** The Web API base, to pass as slackApiUrl. */
  get apiUrl(): string {
    return `${this.url_}/api/`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The next `times` calls of `method`, after letting `after` calls through, answer `failure`. */
  failNext(method: string, failure: ScriptedFailure, times = 1, after = 0): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < after; i++) list.push(undefined);
    for (let i = 0; i < times; i++) list.push(failure);
    this.failures.set(method, list);
  }

  /** Registers a file and returns its url_private_download (needs `Authorization: Bearer <bot token>`). */
  addFile(name: string, data: Buffer, mime = 'application/octet-stream'): string {
    const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
    this.files.set(`${id}/${name}`, { data, mime });
    return `${this.url_}/files-pri/${id}/download/${encodeURIComponent(name)}`;
  }

  threadMessages(channel: string, threadTs: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && !m.deleted && (m.threadTs === threadTs || m.ts === threadTs));
  }

  async close(): Promise<void> {
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextTs(): string {
    this.tsCounter++;
    return `${1800000000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url_);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice('/upload/'.length);
      const up = this.uploads.get(id);
      if (!up) return void res.writeHead(404).end('no such upload');
      up.data = body;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${body.length}`);
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files-pri/')) {
      const [, , idPart, , name] = url.pathname.split('/');
      const file = this.files.get(`${idPart}/${decodeURIComponent(name ?? '')}`);
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${this.botToken}`) {
        // Slack serves its login page when the token cannot read the file.
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
      }
      if (!file) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': file.mime, 'content-length': file.data.length }).end(file.data);
    }
    if (!url.pathname.startsWith('/api/')) return void res.writeHead(404).end();

    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(body, req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    this.calls.push({ method, args, token, at: Date.now() });

    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ('error' in failure) return json(res, { ok: false, error: failure.error, ...failure.extra });
      if (failure.status === 429 && 'retryAfter' in failure) {
        return void res.writeHead(429, { 'retry-after': String(failure.retryAfter), 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
      }
      return void res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('body' in failure ? (failure.body ?? '') : '');
    }

    if (method === 'apps.connections.open') {
      if (token !== this.appToken) return json(res, { ok: false, error: token?.startsWith('xoxb-') ? 'not_allowed_token_type' : 'invalid_auth' });
      return json(res, { ok: true, url: `${this.url_.replace('http:', 'ws:')}/socket-mode?ticket=${randomUUID()}` });
    }
    if (token !== this.botToken) return json(res, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    return this.api(method, args, res);
  }

  private api(method: string, a: Record<string, unknown>, res: ServerResponse): void {
    const str = (k: string): string | undefined => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
    switch (method) {
      case 'auth.test':
        res.setHeader('x-oauth-scopes', this.scopes.join(','));
        return json(res, {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake Team',
          user: 'switchboard',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        });
      case 'chat.postMessage': {
        const channel = str('channel');
        if (!channel) return json(res, { ok: false, error: 'channel_not_found' });
        if (!str('text') && !a.blocks) return json(res, { ok: false, error: 'no_text' });
        const ts = this.nextTs();
        const msg: FakeMessage = { channel, ts, text: str('text') ?? '', blocks: a.blocks, threadTs: str('thread_ts') };
        this.messages.set(ts, msg);
        return json(res, { ok: true, channel, ts, message: { type: 'message', text: msg.text, ts, thread_ts: msg.threadTs, bot_id: this.botId } });
      }
      case 'chat.update': {
        const msg = this.messages.get(str('ts') ?? '');
        if (!msg || msg.deleted || msg.channel !== str('channel')) return json(res, { ok: false, error: 'message_not_found' });
        msg.text = str('text') ?? msg.text;
        msg.blocks = a.blocks ?? msg.blocks;
        return json(res, { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text });
      }
      case 'chat.delete': {
        const msg = this.messages.get(str('ts') ?? '');
        if (!msg) return json(res, { ok: false, error: 'message_not_found' });
        msg.deleted = true;
        return json(res, { ok: true, channel: msg.channel, ts: msg.ts });
      }
      case 'chat.startStream': {
        if (this.nativeStreaming !== 'ok') return json(res, { ok: false, error: this.nativeStreaming });
        const channel = str('channel');
        const threadTs = str('thread_ts');
        if (!channel || !threadTs) return json(res, { ok: false, error: 'invalid_arguments' });
        const ts = this.nextTs();
        this.streams.set(ts, {
          channel,
          ts,
          threadTs,
          text: str('markdown_text') ?? '',
          stopped: false,
          recipientTeamId: str('recipient_team_id'),
          recipientUserId: str('recipient_user_id'),
        });
        this.messages.set(ts, { channel, ts, text: str('markdown_text') ?? '', threadTs });
        return json(res, { ok: true, channel, ts });
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        if (this.nativeStreaming !== 'ok') return json(res, { ok: false, error: this.nativeStreaming });
        const stream = this.streams.get(str('ts') ?? '');
        if (!stream || stream.channel !== str('channel')) return json(res, { ok: false, error: 'message_not_found' });
        if (stream.stopped) return json(res, { ok: false, error: 'message_not_in_streaming_state' });
        const text = str('markdown_text') ?? '';
        if (text.length > 12_000) return json(res, { ok: false, error: 'msg_too_long' });
        stream.text += text;
        const msg = this.messages.get(stream.ts);
        if (msg) msg.text = stream.text;
        if (method === 'chat.stopStream') {
          stream.stopped = true;
          stream.blocks = a.blocks;
        }
        return json(res, { ok: true, channel: stream.channel, ts: stream.ts });
      }
      case 'files.getUploadURLExternal': {
        const filename = str('filename');
        const length = Number(a.length);
        if (!filename || !Number.isFinite(length)) return json(res, { ok: false, error: 'invalid_arguments' });
        const id = `F${randomUUID().slice(0, 10).toUpperCase().replace(/-/g, '')}`;
        this.uploads.set(id, { filename, length });
        return json(res, { ok: true, upload_url: `${this.url_}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(a.files) ? (a.files as { id: string; title?: string }[]) : [];
        const missing = files.find((f) => !this.uploads.get(f.id)?.data);
        if (files.length === 0 || missing) return json(res, { ok: false, error: 'invalid_arguments' });
        const channel = str('channel_id') ?? '';
        this.shares.push({ fileIds: files.map((f) => f.id), channel, threadTs: str('thread_ts') });
        return json(res, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? this.uploads.get(f.id)?.filename })) });
      }
      case 'conversations.info': {
        const channel = str('channel') ?? '';
        return json(res, { ok: true, channel: { id: channel, is_im: channel.startsWith('D'), is_channel: channel.startsWith('C'), is_member: true } });
      }
      default:
        return json(res, { ok: false, error: 'unknown_method' });
    }
  }
}

/** The Socket Mode side: one WebSocket server speaking Slack's envelopes. */
export class FakeSocketMode {
  readonly acks: SocketEnvelopeAck[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  private readonly pending = new Map<string, (ack: SocketEnvelopeAck) => void>();
  private waiters: (() => void)[] = [];

  get connections(): number {
    return this.clients.size;
  }

  upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    if (!req.url?.startsWith('/socket-mode')) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('message', (data) => {
        let msg: SocketEnvelopeAck;
        try {
          msg = JSON.parse(String(data)) as SocketEnvelopeAck;
        } catch {
          return;
        }
        if (!msg.envelope_id) return;
        this.acks.push(msg);
        this.pending.get(msg.envelope_id)?.(msg);
        this.pending.delete(msg.envelope_id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0FAKE' } }));
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  /** Resolves once a client is connected (hello sent). */
  connected(timeoutMs = 10_000): Promise<void> {
    if (this.clients.size > 0) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.waiters.push(resolve)), timeoutMs, 'no Socket Mode connection');
  }

  /** Sends an envelope to the (first) client; resolves with its ack, rejects after `timeoutMs` without one. */
  send(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
    opts: { retryAttempt?: number; retryReason?: string; timeoutMs?: number } = {},
  ): Promise<SocketEnvelopeAck> {
    const ws = [...this.clients][0];
    if (!ws) return Promise.reject(new Error('no Socket Mode client connected'));
    const envelope_id = randomUUID();
    const ack = new Promise<SocketEnvelopeAck>((resolve) => this.pending.set(envelope_id, resolve));
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' } : {}),
      }),
    );
    return withTimeout(ack, opts.timeoutMs ?? 5_000, `envelope ${envelope_id} not acked`).finally(() => this.pending.delete(envelope_id));
  }

  async close(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Web API bodies: form-encoded (nested values as JSON strings, as the WebClient sends them) or JSON. */
function parseArgs(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (v.startsWith('[') || v.startsWith('{')) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep the string */
      }
    }
    out[k] = v;
  }
  return out;
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
