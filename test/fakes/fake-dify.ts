/**
 * Fake Dify: a real HTTP server on 127.0.0.1 (ephemeral port) speaking Dify's service API wire format, for tests
 * and benchmarks of anything that talks to Dify.
 *
 * ## Start / stop
 * ```ts
 * const fake = await FakeDify.start({ mode: 'chat' });   // options below
 * fake.url            // 'http://127.0.0.1:PORT/v1' — use as the binding's baseUrl
 * fake.apiKey         // the key it accepts (default 'app-fake-key'); anything else → 401
 * await fake.close()  // destroys open connections too
 * fake.reset()        // clears the log, scripts, conversations, counters (keeps options)
 * ```
 *
 * ## Endpoints (all under /v1, `Authorization: Bearer <apiKey>`)
 * - `POST /chat-messages` (modes chat, advanced-chat, agent-chat, agent = New Agent; else 400 `not_chat_app`),
 *   `POST /completion-messages` (completion; else `not_completion_app`), `POST /workflows/run` (workflow; else
 *   `not_workflow_app`): `response_mode` `blocking` or `streaming` (agent-chat refuses blocking with 400
 *   `invalid_param`, New Agent with 400 `bad_request` "Agent App only supports streaming response mode.").
 *   Every event and body has the shape of Dify's own published examples (test/fixtures/dify; a test holds the fake
 *   to them): `event: ping`, `message` deltas, `agent_thought` + `agent_message` deltas (New Agent: then one closing
 *   `message` carrying the whole answer), `message_file`, `message_replace`, `message_end` (metadata.usage with
 *   `total_price` as a string), `workflow_started` / `node_started` / `node_finished` / `reasoning_chunk` /
 *   `text_chunk` / `workflow_finished` (outputs, total_tokens), `error`, and Human Input pauses with one or more
 *   forms: `human_input_required` per form + `workflow_paused` with every reason (New Agent: then `message_end`);
 *   blocking pauses answer `event: "workflow_paused"` (chatflow) or `data.status: "paused"` (workflow).
 * - Conversations (chat modes): a request without `conversation_id` gets a new id; the id then persists and
 *   accumulates turns (`fake.conversations`); an unknown id → 404 `{code:'not_found', message:'Conversation Not Exists.'}`;
 *   an ended one (`fake.completeConversation(id)`) → 400 `conversation_completed`.
 *   `fake.forgetConversations()` simulates expiry.
 * - `POST /files/upload` (multipart `file` + `user`) → 201 `{id, name, size, extension, mime_type, ...}`;
 *   over `maxUploadBytes` → 413 `file_too_large`; a MIME type outside `acceptedMimes` → 415 `unsupported_file_type`.
 *   Run requests referencing an unknown `upload_file_id` → 400 `invalid_param`.
 * - `GET /info` → `{name, description, tags, mode, author_name}`; `GET /parameters` → `{user_input_form,
 *   file_upload, system_parameters, ...}` from the options.
 * - `POST /chat-messages/:task_id/stop`, `/completion-messages/:task_id/stop`, `/workflows/tasks/:task_id/stop`
 *   with `{user}` → `{result:'success'}`; a stream of that task still open ends at once.
 *
 * ## Scripting (deterministic: decisions depend only on the request and its per-key call number)
 * ```ts
 * fake.script((req) => req.callNumber <= 2 ? { status: 429, retryAfter: '0.01' } : undefined);
 * fake.script(failFirstCalls(1, { status: 500 }));      // fail the first call of each query, then answer
 * fake.next({ hang: 'before_headers' }, { chunks: 3 }); // one-shot steps for the next run requests, FIFO
 * ```
 * A script is consulted for run requests (chat, completion, workflow) unless `endpoints` says otherwise
 * (`fake.script(fn, ['upload'])`); `next` steps win over the script; no step → a normal answer.
 * `req.key` is the query (chat), `inputs.query`, or the JSON of the inputs; `req.callNumber` counts calls with the
 * same key to the same endpoint (1-based). See {@link ScriptStep} for every knob: error answers with status/code/
 * Retry-After, latency before headers and between chunks, hangs, mid-stream disconnects, error events, chunk counts,
 * message_replace, message files, unknown events, reasoning, human input, wrong app mode, conversation not found or
 * ended.
 *
 * ## Log
 * `fake.requests` lists everything received (method, path, headers, parsed body, key, callNumber, outcome).
 * Helpers: `fake.runRequests()`, `fake.stopRequests()`, `fake.uploadRequests()`, `fake.answeredCount(key)` (how many
 * times a run with this key was answered completely), `fake.openStreams` (streams not ended yet).
 *
 * ## Files
 * `fake.files` serves GET `/files/...` on the fake's own origin, like Dify's signed file links (so the client marks
 * them as hosted by the workflow): `fake.files.serve(path, bytes, type)`, `.fail(path, status, headers?)`,
 * `.stall(path)` (see fake-file-host.ts). Point a `messageFiles` URL at what they return.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { FileRoutes } from './fake-file-host.js';

export type FakeAppMode = 'chat' | 'advanced-chat' | 'agent-chat' | 'agent' | 'workflow' | 'completion';
export type FakeEndpoint = 'chat' | 'completion' | 'workflow' | 'upload' | 'info' | 'parameters' | 'stop' | 'unknown';
export type FakeOutcome = 'answered' | 'error' | 'error_event' | 'disconnected' | 'hung' | 'paused' | 'aborted' | 'stopped';

export interface FakeRequest {
  /** Order of arrival, 1-based, over all requests. */
  seq: number;
  method: string;
  path: string;
  endpoint: FakeEndpoint;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body; for uploads `{ user, file: {filename, mime, size} }`. */
  body: unknown;
  /** Chat: the query; otherwise inputs.query or the JSON of the inputs. Uploads: the file name. */
  key: string;
  /** Calls with the same key to the same endpoint so far, this one included. */
  callNumber: number;
  /** How the fake finished it (set when done). */
  outcome?: FakeOutcome;
  /** Task id given to this run, if it got that far. */
  taskId?: string;
}

export interface FakeErrorEvent {
  status: number;
  code: string;
  message: string;
}

/** One request's behaviour. Every field is optional; combine freely. */
export interface ScriptStep {
  /** Answer this status with a Dify error body (`{code, message, status}`) instead of running. */
  status?: number;
  errorCode?: string;
  errorMessage?: string;
  /** Retry-After header value (seconds, decimals allowed: '0.05'). */
  retryAfter?: string;
  /** Wait before sending the response headers (latency before the first byte). */
  headersDelayMs?: number;
  /** Wait between two SSE events. Undefined: events are written in one burst; 0: one event per tick. */
  chunkDelayMs?: number;
  /** Stop sending: before the headers, right after them, or after this many events. The socket stays open. */
  hang?: 'before_headers' | 'after_headers' | number;
  /** Destroy the connection after this many events (mid-stream disconnect). */
  disconnectAfter?: number;
  /** The answer text and in how many deltas it is streamed. */
  answer?: string;
  chunks?: number;
  /** Pings before the first event, and a ping every N events. */
  pingsBefore?: number;
  pingEvery?: number;
  /** While waiting `chunkDelayMs` between events, send a ping every this many ms (keepalives during a slow step). */
  pingIntervalMs?: number;
  /** Send an `error` event after this many events (0: first) instead of finishing. */
  errorEventAfter?: number;
  errorEvent?: Partial<FakeErrorEvent>;
  /** A message_replace event with this text after the deltas. */
  replaceWith?: string;
  /** Unknown events interleaved with the deltas. */
  unknownEvents?: number;
  /** message_file events (chat modes). */
  messageFiles?: Array<{ url: string; type?: string }>;
  /** Workflow outputs (workflow / advanced-chat). Default `{ text: answer }` (advanced-chat: `{ answer }`). */
  outputs?: Record<string, unknown>;
  /**
   * Pause for human input: one human_input_required per form (default 1) + workflow_paused (New Agent: + message_end);
   * blocking: the paused answer. `keepOpen` leaves the stream open after the pause.
   */
  humanInput?: boolean | { keepOpen?: boolean; forms?: number };
  /** reasoning_chunk deltas before the answer (chatflow, workflow); an empty one is sent as the final (`is_final`). */
  reasoning?: string[];
  /** Workflow run ends with this status (workflow apps): 'failed' sends workflow_finished{status:'failed'}. */
  workflowStatus?: 'succeeded' | 'failed' | 'stopped';
  /** Answer 404 Conversation Not Exists. */
  conversationNotFound?: boolean;
  /** Answer 400 conversation_completed (the conversation has ended). */
  conversationCompleted?: boolean;
  /** Pretend the app has this mode for this request. */
  mode?: FakeAppMode;
  /** Usage override for message_end. */
  usage?: Record<string, unknown>;
}

export type FakeScript = (req: FakeRequest) => ScriptStep | undefined | void;

export interface FakeDifyOptions {
  mode?: FakeAppMode;
  apiKey?: string;
  appName?: string;
  /** Default answer (or a function of the request). Default: `Echo: <query>`. */
  answer?: string | ((req: FakeRequest) => string);
  /** Deltas per answer. @defaultValue 4 */
  chunks?: number;
  /** `user_input_form` of /parameters. Default: completion and workflow apps declare a required `query`. */
  userInputForm?: unknown[];
  /** `file_upload` of /parameters. Default: images and documents, local_file, 3 files. */
  fileUpload?: Record<string, unknown>;
  /** `system_parameters` of /parameters (sizes in MB). */
  systemParameters?: Record<string, unknown>;
  /** Uploads above this size → 413. @defaultValue 15 MB */
  maxUploadBytes?: number;
  /** MIME types accepted by /files/upload (others → 415). Default: any. */
  acceptedMimes?: string[];
  /** Usage reported in message_end. */
  usage?: Record<string, unknown>;
}

interface Conversation {
  id: string;
  user: string;
  turns: string[];
}

const RUN_ENDPOINTS: FakeEndpoint[] = ['chat', 'completion', 'workflow'];

/** "Fail the first k calls of each key (query) with this step, then answer normally." */
export function failFirstCalls(k: number, step: ScriptStep): FakeScript {
  return (req) => (req.callNumber <= k ? step : undefined);
}

/** A stable 32-bit hash of a string (FNV-1a), to spread scripted failures deterministically over keys. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const DEFAULT_USAGE = {
  prompt_tokens: 12,
  prompt_unit_price: '0.001',
  prompt_price_unit: '0.001',
  prompt_price: '0.0000120',
  completion_tokens: 8,
  completion_unit_price: '0.002',
  completion_price_unit: '0.001',
  completion_price: '0.0000160',
  total_tokens: 20,
  total_price: '0.0000280',
  currency: 'USD',
  latency: 0.42,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FakeDify {
  readonly requests: FakeRequest[] = [];
  readonly conversations = new Map<string, Conversation>();
  /** Conversations that have ended: asking in them → 400 conversation_completed. */
  readonly completedConversations = new Set<string>();
  readonly uploads = new Map<string, { name: string; mime: string; size: number }>();
  mode: FakeAppMode;
  readonly apiKey: string;
  options: FakeDifyOptions;
  /** Streams not ended yet. */
  openStreams = 0;
  /** Run requests being handled right now, and the most seen at once. */
  inFlightRuns = 0;
  maxInFlightRuns = 0;

  private server!: http.Server;
  private readonly sockets = new Set<Socket>();
  private scripts: Array<{ fn: FakeScript; endpoints: FakeEndpoint[] }> = [];
  private nextSteps: ScriptStep[] = [];
  private readonly callCounts = new Map<string, number>();
  private readonly answered = new Map<string, number>();
  private readonly stoppedTasks = new Set<string>();
  private readonly activeTasks = new Map<string, () => void>();
  private seq = 0;
  url = '';
  /** GET /files/... on this origin (Dify's file links). */
  readonly files = new FileRoutes(() => `http://127.0.0.1:${this.port}`);

  private constructor(options: FakeDifyOptions) {
    this.options = options;
    this.mode = options.mode ?? 'chat';
    this.apiKey = options.apiKey ?? 'app-fake-key';
  }

  static async start(options: FakeDifyOptions = {}): Promise<FakeDify> {
    const fake = new FakeDify(options);
    fake.server = http.createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal_server_error', message: String(err), status: 500 }));
      });
    });
    fake.server.keepAliveTimeout = 5_000;
    fake.server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.url = `http://127.0.0.1:${port}/v1`;
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Replaces the scripts with this one (null: none). `endpoints` default: chat, completion, workflow. */
  script(fn: FakeScript | null, endpoints: FakeEndpoint[] = RUN_ENDPOINTS): this {
    this.scripts = fn ? [{ fn, endpoints }] : [];
    return this;
  }

  /** Adds a script consulted after the others. */
  addScript(fn: FakeScript, endpoints: FakeEndpoint[] = RUN_ENDPOINTS): this {
    this.scripts.push({ fn, endpoints });
    return this;
  }

  /** One-shot steps for the next run requests, in order. */
  next(...steps: ScriptStep[]): this {
    this.nextSteps.push(...steps);
    return this;
  }

  runRequests(): FakeRequest[] {
    return this.requests.filter((r) => RUN_ENDPOINTS.includes(r.endpoint));
  }

  stopRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.endpoint === 'stop');
  }

  uploadRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.endpoint === 'upload');
  }

  /** Runs with this key answered completely (stream finished or blocking answer sent). */
  answeredCount(key: string): number {
    return this.answered.get(key) ?? 0;
  }

  forgetConversations(): void {
    this.conversations.clear();
  }

  /** Ends a conversation the way Dify does: the next request in it is refused with 400 conversation_completed. */
  completeConversation(id: string): void {
    this.completedConversations.add(id);
  }

  reset(): void {
    this.requests.length = 0;
    this.conversations.clear();
    this.completedConversations.clear();
    this.uploads.clear();
    this.scripts = [];
    this.nextSteps = [];
    this.callCounts.clear();
    this.answered.clear();
    this.stoppedTasks.clear();
    this.seq = 0;
    this.maxInFlightRuns = this.inFlightRuns;
  }

  async close(): Promise<void> {
    this.files.closeStalled();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.url?.startsWith('/files/') && this.files.handle(req, res)) return;
    const raw = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const endpoint = endpointOf(req.method ?? 'GET', path);
    const body = endpoint === 'upload' ? parseMultipart(raw, req.headers['content-type'] ?? '') : parseJson(raw);
    const key = keyOf(endpoint, body);
    const countKey = `${endpoint}\n${key}`;
    const callNumber = (this.callCounts.get(countKey) ?? 0) + 1;
    this.callCounts.set(countKey, callNumber);
    const record: FakeRequest = { seq: ++this.seq, method: req.method ?? 'GET', path, endpoint, headers: req.headers, body, key, callNumber };
    this.requests.push(record);
    const isRun = RUN_ENDPOINTS.includes(endpoint);
    if (isRun) {
      this.inFlightRuns++;
      this.maxInFlightRuns = Math.max(this.maxInFlightRuns, this.inFlightRuns);
      let counted = true;
      const done = () => {
        if (counted) this.inFlightRuns--;
        counted = false;
      };
      res.once('close', done);
      res.once('finish', done);
    }

    if (endpoint === 'unknown') return this.fail(res, record, 404, 'not_found', 'The requested URL was not found on the server.');
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.fail(res, record, 401, 'unauthorized', 'Access token is invalid');
    }
    const step = this.stepFor(record);
    if (step.headersDelayMs) await sleep(step.headersDelayMs);
    if (step.hang === 'before_headers') {
      record.outcome = 'hung';
      return; // never answer; the client times out or the fake closes
    }
    if (step.status && step.status >= 400) {
      return this.fail(res, record, step.status, step.errorCode ?? defaultCode(step.status), step.errorMessage ?? defaultMessage(step.status), step.retryAfter);
    }

    switch (endpoint) {
      case 'info':
        return this.json(res, record, 200, { name: this.options.appName ?? 'Fake app', description: '', tags: [], mode: this.mode, author_name: 'fake' });
      case 'parameters':
        return this.json(res, record, 200, this.parameters());
      case 'stop':
        return this.stop(res, record, path);
      case 'upload':
        return this.upload(res, record);
      case 'chat':
      case 'completion':
      case 'workflow':
        return this.run(res, record, step);
      default:
        return this.fail(res, record, 404, 'not_found', 'The requested URL was not found on the server.');
    }
  }

  private stepFor(record: FakeRequest): ScriptStep {
    if (RUN_ENDPOINTS.includes(record.endpoint) && this.nextSteps.length > 0) return this.nextSteps.shift() ?? {};
    for (const { fn, endpoints } of this.scripts) {
      if (!endpoints.includes(record.endpoint)) continue;
      const step = fn(record);
      if (step) return step;
    }
    return {};
  }

  private parameters(): Record<string, unknown> {
    return {
      opening_statement: '',
      suggested_questions: [],
      suggested_questions_after_answer: { enabled: false },
      speech_to_text: { enabled: false },
      text_to_speech: { enabled: false, voice: '', language: '', autoPlay: 'disabled' },
      retriever_resource: { enabled: false },
      annotation_reply: { enabled: false },
      more_like_this: { enabled: false },
      sensitive_word_avoidance: { enabled: false },
      user_input_form: this.options.userInputForm ?? defaultForm(this.mode),
      file_upload: this.options.fileUpload ?? {
        enabled: true,
        allowed_file_types: ['image', 'document'],
        allowed_file_extensions: [],
        allowed_file_upload_methods: ['local_file', 'remote_url'],
        number_limits: 3,
        image: { enabled: true, number_limits: 3, detail: 'high', transfer_methods: ['local_file', 'remote_url'] },
      },
      system_parameters: this.options.systemParameters ?? {
        file_size_limit: 15,
        image_file_size_limit: 10,
        audio_file_size_limit: 50,
        video_file_size_limit: 100,
        workflow_file_upload_limit: 10,
      },
    };
  }

  private stop(res: http.ServerResponse, record: FakeRequest, path: string): void {
    const match = /\/(?:chat-messages|completion-messages|workflows\/tasks)\/([^/]+)\/stop$/.exec(path);
    const taskId = match?.[1] ? decodeURIComponent(match[1]) : '';
    record.taskId = taskId;
    this.stoppedTasks.add(taskId);
    this.activeTasks.get(taskId)?.();
    this.json(res, record, 200, { result: 'success' });
  }

  private upload(res: http.ServerResponse, record: FakeRequest): void {
    const body = record.body as MultipartBody;
    if (!body.file) return this.fail(res, record, 400, 'no_file_uploaded', 'Please upload your file.');
    const max = this.options.maxUploadBytes ?? 15 * 1024 * 1024;
    if (body.file.size > max) return this.fail(res, record, 413, 'file_too_large', `File size exceeded. ${body.file.size} > ${max}`);
    const accepted = this.options.acceptedMimes;
    if (accepted && !accepted.includes(body.file.mime)) return this.fail(res, record, 415, 'unsupported_file_type', 'File type not allowed.');
    const id = randomUUID();
    this.uploads.set(id, { name: body.file.filename, mime: body.file.mime, size: body.file.size });
    const extension = body.file.filename.includes('.') ? body.file.filename.split('.').pop() : '';
    this.json(res, record, 201, {
      id,
      name: body.file.filename,
      size: body.file.size,
      extension,
      mime_type: body.file.mime,
      created_by: body.user ?? '',
      created_at: Math.floor(Date.now() / 1000),
    });
  }

  private async run(res: http.ServerResponse, record: FakeRequest, step: ScriptStep): Promise<void> {
    const body = (record.body ?? {}) as Record<string, unknown>;
    const mode = step.mode ?? this.mode;
    const chatModes: FakeAppMode[] = ['chat', 'advanced-chat', 'agent-chat', 'agent'];
    if (record.endpoint === 'chat' && !chatModes.includes(mode)) return this.fail(res, record, 400, 'not_chat_app', 'Please check if your app mode matches the right API route.');
    if (record.endpoint === 'completion' && mode !== 'completion') return this.fail(res, record, 400, 'not_completion_app', 'Please check if your app mode matches the right API route.');
    if (record.endpoint === 'workflow' && mode !== 'workflow') return this.fail(res, record, 400, 'not_workflow_app', 'Please check if your app mode matches the right API route.');
    const streaming = body.response_mode === 'streaming';
    if (!streaming && mode === 'agent-chat') return this.fail(res, record, 400, 'invalid_param', 'Agent Chat App does not support blocking mode');
    if (!streaming && mode === 'agent') return this.fail(res, record, 400, 'bad_request', 'Agent App only supports streaming response mode.');
    if (typeof body.user !== 'string' || body.user === '') return this.fail(res, record, 400, 'invalid_param', 'user is required');
    for (const file of Array.isArray(body.files) ? body.files : []) {
      const id = (file as Record<string, unknown>).upload_file_id;
      if (typeof id !== 'string' || !this.uploads.has(id)) return this.fail(res, record, 400, 'invalid_param', 'Invalid upload file id');
    }

    let conversation: Conversation | undefined;
    if (record.endpoint === 'chat') {
      const requested = typeof body.conversation_id === 'string' && body.conversation_id ? body.conversation_id : undefined;
      if (step.conversationCompleted || (requested && this.completedConversations.has(requested))) {
        return this.fail(res, record, 400, 'conversation_completed', 'The conversation has ended. Please start a new conversation.');
      }
      if (step.conversationNotFound || (requested && !this.conversations.has(requested))) {
        return this.fail(res, record, 404, 'not_found', 'Conversation Not Exists.');
      }
      conversation = requested ? this.conversations.get(requested) : { id: randomUUID(), user: body.user, turns: [] };
    }

    const answer = step.answer ?? this.answerFor(record);
    const taskId = randomUUID();
    const messageId = randomUUID();
    const workflowRunId = randomUUID();
    record.taskId = taskId;
    const ctx: RunContext = { mode, answer, taskId, messageId, workflowRunId, conversationId: conversation?.id, step, chunks: step.chunks ?? this.options.chunks ?? 4, usage: { ...DEFAULT_USAGE, ...this.options.usage, ...step.usage } };
    // Like Dify, the conversation and the turn exist from the moment the run starts, whether or not the client
    // reads the response to its end.
    if (conversation) {
      conversation.turns.push(String(body.query ?? ''));
      this.conversations.set(conversation.id, conversation);
    }
    const commit = () => {
      this.answered.set(record.key, (this.answered.get(record.key) ?? 0) + 1);
    };

    if (!streaming) {
      if (step.hang === 'after_headers') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        record.outcome = 'hung';
        return;
      }
      if (!step.humanInput) commit();
      this.json(res, record, 200, blockingAnswer(ctx));
      if (step.humanInput) record.outcome = 'paused';
      return;
    }
    await this.stream(res, record, ctx, commit);
  }

  private answerFor(record: FakeRequest): string {
    const option = this.options.answer;
    if (typeof option === 'function') return option(record);
    if (typeof option === 'string') return option;
    return `Echo: ${record.key}`;
  }

  private async stream(res: http.ServerResponse, record: FakeRequest, ctx: RunContext, commit: () => void): Promise<void> {
    const { step } = ctx;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    this.openStreams++;
    let closedByClient = false;
    let stopped = false;
    res.on('close', () => {
      if (!res.writableFinished) closedByClient = true;
    });
    this.activeTasks.set(ctx.taskId, () => {
      stopped = true;
    });
    const finish = (outcome: FakeOutcome) => {
      record.outcome = outcome;
      this.openStreams--;
      this.activeTasks.delete(ctx.taskId);
    };
    if (step.hang === 'after_headers') return finish('hung');

    for (let i = 0; i < (step.pingsBefore ?? 0); i++) res.write('event: ping\n\n');
    const events = streamEvents(ctx);
    const burst = step.chunkDelayMs === undefined;
    if (burst) res.cork();
    for (let i = 0; i < events.length; i++) {
      if (closedByClient) {
        if (burst) res.uncork();
        return finish('aborted');
      }
      if (stopped || this.stoppedTasks.has(ctx.taskId)) {
        res.end();
        return finish('stopped');
      }
      if (step.hang === i) {
        if (burst) res.uncork();
        return finish('hung');
      }
      if (step.disconnectAfter === i) {
        if (burst) res.uncork();
        res.socket?.destroy();
        return finish('disconnected');
      }
      if (step.errorEventAfter === i) {
        const e = { status: 500, code: 'internal_server_error', message: 'The model crashed.', ...step.errorEvent };
        // Dify's error event carries no task_id (its converters put the run's ids around {code, message, status}).
        const ids = ctx.mode === 'workflow' ? { workflow_run_id: ctx.workflowRunId } : { conversation_id: ctx.conversationId, message_id: ctx.messageId, created_at: Math.floor(Date.now() / 1000) };
        res.write(sse({ event: 'error', ...ids, ...e }));
        if (burst) res.uncork();
        res.end();
        return finish('error_event');
      }
      if (step.pingEvery && i > 0 && i % step.pingEvery === 0) res.write('event: ping\n\n');
      res.write(events[i]);
      if (!burst) {
        if (step.chunkDelayMs && step.pingIntervalMs) await this.waitWithPings(res, step.chunkDelayMs, step.pingIntervalMs);
        else if (step.chunkDelayMs) await sleep(step.chunkDelayMs);
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (burst) res.uncork();
    if (step.humanInput) {
      if (typeof step.humanInput === 'object' && step.humanInput.keepOpen) return finish('paused');
      res.end();
      return finish('paused');
    }
    if (ctx.mode === 'workflow' && step.workflowStatus && step.workflowStatus !== 'succeeded') {
      res.end();
      return finish('error_event');
    }
    commit();
    res.end();
    finish('answered');
  }

  private async waitWithPings(res: http.ServerResponse, totalMs: number, everyMs: number): Promise<void> {
    for (let waited = 0; waited < totalMs; waited += everyMs) {
      await sleep(Math.min(everyMs, totalMs - waited));
      if (!res.writableEnded && !res.destroyed) res.write('event: ping\n\n');
    }
  }

  private fail(res: http.ServerResponse, record: FakeRequest, status: number, code: string, message: string, retryAfter?: string): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ code, message, status }));
    record.outcome = 'error';
  }

  private json(res: http.ServerResponse, record: FakeRequest, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
    if (RUN_ENDPOINTS.includes(record.endpoint)) record.outcome = 'answered';
  }
}

// -----------------------------------------------------------------------------------------------------------------

interface RunContext {
  mode: FakeAppMode;
  answer: string;
  taskId: string;
  messageId: string;
  workflowRunId: string;
  conversationId: string | undefined;
  step: ScriptStep;
  chunks: number;
  usage: Record<string, unknown>;
}

function sse(event: Record<string, unknown>): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

function splitAnswer(answer: string, chunks: number): string[] {
  const n = Math.max(1, chunks);
  const chars = [...answer];
  const size = Math.max(1, Math.ceil(chars.length / n));
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(chars.slice(i * size, (i + 1) * size).join(''));
  return parts;
}

function outputsOf(ctx: RunContext): Record<string, unknown> {
  if (ctx.step.outputs) return ctx.step.outputs;
  return ctx.mode === 'advanced-chat' ? { answer: ctx.answer } : { text: ctx.answer };
}

type Family = 'chat' | 'completion' | 'workflow';

function familyOf(mode: FakeAppMode): Family {
  return mode === 'workflow' ? 'workflow' : mode === 'completion' ? 'completion' : 'chat';
}

function formCount(step: ScriptStep): number {
  if (!step.humanInput) return 0;
  return typeof step.humanInput === 'object' ? Math.max(1, step.humanInput.forms ?? 1) : 1;
}

/** The forms of a pause (ids `form-<n>`, tokens `tok-<n>`, nodes `human_<n>`), as `human_input_required.data`. */
function pauseForms(ctx: RunContext): Array<Record<string, unknown>> {
  const expiration_time = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;
  return Array.from({ length: formCount(ctx.step) }, (_, i) => ({
    form_id: `form-${i + 1}`,
    form_token: `tok-${i + 1}`,
    node_id: ctx.mode === 'agent' ? ctx.messageId : `human_${i + 1}`,
    node_title: i === 0 ? 'Approval' : `Approval ${i + 1}`,
    form_content: 'Please approve',
    inputs: [{ type: 'paragraph', output_variable_name: 'comment', default: null }],
    actions: [{ id: 'approve', title: 'Approve', button_style: 'primary' }],
    display_in_ui: false,
    resolved_default_values: { comment: '' },
    expiration_time,
    ...(ctx.mode === 'agent' ? { approval_channels: [] } : {}),
  }));
}

/** `workflow_paused.data` (and a paused blocking answer's `data.reasons`): every form as a reason. */
function pauseReasons(forms: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return forms.map(({ display_in_ui: _shown, ...form }) => ({ TYPE: 'human_input_required', ...form }));
}

/**
 * The SSE events of one run, in order (pings added by the writer), in the shapes of Dify's published examples:
 * chat-family events carry `task_id`, `message_id`, `conversation_id`, `created_at`; completion events `task_id`,
 * `message_id`, `created_at`; workflow events `task_id`, `workflow_run_id`. Workflow, node and human-input events
 * nest their payload under `data` and carry `workflow_run_id`.
 */
function streamEvents(ctx: RunContext): string[] {
  const { step, mode } = ctx;
  const family = familyOf(mode);
  const created_at = Math.floor(Date.now() / 1000);
  const envelope = (event: string): Record<string, unknown> => {
    if (family === 'workflow') return { event, task_id: ctx.taskId, workflow_run_id: ctx.workflowRunId };
    if (family === 'completion') return { event, task_id: ctx.taskId, message_id: ctx.messageId, created_at };
    return { event, task_id: ctx.taskId, message_id: ctx.messageId, conversation_id: ctx.conversationId, created_at };
  };
  const runEvent = (event: string, data: Record<string, unknown>, runId = ctx.workflowRunId) => sse({ ...envelope(event), workflow_run_id: runId, data });
  const out: string[] = [];
  const unknown = (i: number) => sse({ ...envelope(`future_event_${i}`), data: { whatever: i } });
  const isWorkflowish = mode === 'workflow' || mode === 'advanced-chat';
  const node = { id: randomUUID(), node_id: 'llm', node_type: 'llm', title: 'LLM', index: 1, created_at };

  if (isWorkflowish) {
    out.push(runEvent('workflow_started', { id: ctx.workflowRunId, workflow_id: 'wf-1', inputs: {}, created_at, reason: 'initial' }));
    out.push(runEvent('node_started', node));
    for (const [i, reasoning] of (step.reasoning ?? []).entries()) {
      const final = i === (step.reasoning?.length ?? 0) - 1;
      out.push(sse({ ...envelope('reasoning_chunk'), data: { ...(family === 'chat' ? { message_id: ctx.messageId } : {}), reasoning, node_id: 'llm', is_final: final } }));
    }
  }
  if (mode === 'agent-chat' || mode === 'agent') {
    out.push(sse({ event: 'agent_thought', id: randomUUID(), ...envelope('agent_thought'), position: 1, thought: 'thinking', tool: '', tool_input: '' }));
  }
  if (step.humanInput) {
    const forms = pauseForms(ctx);
    // A New Agent has no workflow run: Dify names the paused turn by its message id.
    for (const form of forms) out.push(runEvent('human_input_required', form, mode === 'agent' ? ctx.messageId : ctx.workflowRunId));
    if (mode === 'agent') {
      out.push(sse({ ...envelope('message_end'), metadata: { usage: ctx.usage } }));
      return out;
    }
    const paused_nodes = forms.map((f) => f.node_id);
    out.push(runEvent('workflow_paused', { workflow_run_id: ctx.workflowRunId, paused_nodes, outputs: {}, reasons: pauseReasons(forms), status: 'paused', created_at, elapsed_time: 0.5, total_tokens: 0, total_steps: 1 }));
    return out;
  }
  const deltas = splitAnswer(ctx.answer, ctx.chunks);
  const unknownCount = step.unknownEvents ?? 0;
  const deltaEvent = mode === 'agent-chat' || mode === 'agent' ? 'agent_message' : 'message';
  deltas.forEach((delta, i) => {
    if (i < unknownCount) out.push(unknown(i));
    if (mode === 'workflow') out.push(runEvent('text_chunk', { text: delta, from_variable_selector: ['llm', 'text'] }));
    else out.push(sse({ ...envelope(deltaEvent), answer: delta }));
  });
  for (let i = deltas.length; i < unknownCount; i++) out.push(unknown(i));
  for (const file of step.messageFiles ?? []) {
    out.push(sse({ ...envelope('message_file'), id: randomUUID(), type: file.type ?? 'image', belongs_to: 'assistant', url: file.url }));
  }
  if (step.replaceWith !== undefined) out.push(sse({ ...envelope('message_replace'), answer: step.replaceWith }));
  if (mode === 'agent') out.push(sse({ ...envelope('message'), answer: step.replaceWith ?? ctx.answer })); // New Agent: the whole answer again
  const status = step.workflowStatus ?? 'succeeded';
  const finished = () =>
    runEvent('workflow_finished', {
      id: ctx.workflowRunId,
      workflow_id: 'wf-1',
      status,
      outputs: status === 'succeeded' ? outputsOf(ctx) : null,
      ...(status === 'failed' ? { error: 'Node LLM run failed: boom' } : {}),
      elapsed_time: 0.5,
      total_tokens: ctx.usage.total_tokens,
      total_steps: 3,
      created_at,
      finished_at: created_at,
    });
  if (mode === 'advanced-chat') out.push(runEvent('node_finished', { ...node, status: 'succeeded', elapsed_time: 0.4, finished_at: created_at }));
  if (mode === 'workflow') {
    out.push(finished());
    return out;
  }
  // Chatflow: message_end, then workflow_finished (Dify's documented order).
  const end = family === 'completion' ? { event: 'message_end', task_id: ctx.taskId, id: ctx.messageId, message_id: ctx.messageId } : envelope('message_end');
  out.push(sse({ ...end, metadata: { usage: ctx.usage } }));
  if (mode === 'advanced-chat') out.push(finished());
  return out;
}

function blockingAnswer(ctx: RunContext): Record<string, unknown> {
  const created_at = Math.floor(Date.now() / 1000);
  if (ctx.mode === 'workflow') {
    const paused = formCount(ctx.step) > 0;
    const status = paused ? 'paused' : (ctx.step.workflowStatus ?? 'succeeded');
    const forms = pauseForms(ctx);
    return {
      task_id: ctx.taskId,
      workflow_run_id: ctx.workflowRunId,
      data: {
        id: ctx.workflowRunId,
        workflow_id: 'wf-1',
        status,
        outputs: status === 'succeeded' ? outputsOf(ctx) : paused ? {} : null,
        error: status === 'failed' ? 'Node LLM run failed: boom' : null,
        elapsed_time: 0.5,
        total_tokens: paused ? 0 : ctx.usage.total_tokens,
        total_steps: 3,
        created_at,
        finished_at: paused ? null : created_at,
        ...(paused ? { paused_nodes: forms.map((f) => f.node_id), reasons: pauseReasons(forms) } : {}),
      },
    };
  }
  const message = {
    task_id: ctx.taskId,
    id: ctx.messageId,
    message_id: ctx.messageId,
    ...(ctx.mode === 'completion' ? {} : { conversation_id: ctx.conversationId ?? '' }),
    mode: ctx.mode,
    answer: ctx.answer,
    metadata: { usage: ctx.usage, ...(ctx.mode === 'completion' ? {} : { retriever_resources: [] }) },
    created_at,
  };
  if (formCount(ctx.step) === 0) return { event: 'message', ...message };
  // A chatflow paused for human input (Dify's ChatPausedBlockingResponse): what was answered so far, and the pause.
  const forms = pauseForms(ctx);
  const partial = { ...message, answer: '' };
  const pause = { paused_nodes: forms.map((f) => f.node_id), reasons: pauseReasons(forms), status: 'paused', elapsed_time: 0.5, total_tokens: 0, total_steps: 1 };
  const { task_id: _task, ...data } = partial;
  return { event: 'workflow_paused', ...partial, workflow_run_id: ctx.workflowRunId, data: { ...data, workflow_run_id: ctx.workflowRunId, ...pause } };
}

function endpointOf(method: string, fullPath: string): FakeEndpoint {
  if (!fullPath.startsWith('/v1/')) return 'unknown';
  const path = fullPath.slice(3);
  if (method === 'POST' && /\/(chat-messages|completion-messages|workflows\/tasks)\/[^/]+\/stop$/.test(path)) return 'stop';
  if (method === 'POST' && path === '/chat-messages') return 'chat';
  if (method === 'POST' && path === '/completion-messages') return 'completion';
  if (method === 'POST' && path === '/workflows/run') return 'workflow';
  if (method === 'POST' && path === '/files/upload') return 'upload';
  if (method === 'GET' && path === '/info') return 'info';
  if (method === 'GET' && path === '/parameters') return 'parameters';
  return 'unknown';
}

function keyOf(endpoint: FakeEndpoint, body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  if (endpoint === 'chat') return String(b.query ?? '');
  if (endpoint === 'upload') return (b as MultipartBody).file?.filename ?? '';
  if (endpoint === 'completion' || endpoint === 'workflow') {
    const inputs = (b.inputs ?? {}) as Record<string, unknown>;
    return typeof inputs.query === 'string' ? inputs.query : JSON.stringify(inputs);
  }
  return '';
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return raw.toString('utf8');
  }
}

interface MultipartBody {
  user?: string;
  file?: { filename: string; mime: string; size: number };
}

/** Just enough multipart/form-data parsing for `file` + `user`. */
function parseMultipart(raw: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return {};
  const delimiter = Buffer.from(`--${marker}`);
  const out: MultipartBody = {};
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the marker and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      const mime = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      if (name === 'file' && filename !== undefined) out.file = { filename, mime, size: content.length };
      if (name === 'user') out.user = content.toString('utf8');
    }
    start = next;
  }
  return out;
}

function defaultForm(mode: FakeAppMode): unknown[] {
  if (mode === 'completion') return [{ paragraph: { label: 'Query', variable: 'query', required: true, default: '' } }];
  if (mode === 'workflow') return [{ 'text-input': { label: 'Query', variable: 'query', required: true, max_length: 4000, default: '' } }];
  return [];
}

function defaultCode(status: number): string {
  if (status === 429) return 'too_many_requests';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'internal_server_error';
  return 'invalid_param';
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Too many requests. Please try again later.';
  if (status >= 500) return 'Internal Server Error';
  return `Error ${status}`;
}
