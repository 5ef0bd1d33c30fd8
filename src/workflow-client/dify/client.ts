import type { CheckReport } from '../../core/check-report.js';
import type { EgressAgents } from '../../egress/index.js';
import type { Logger } from '../../observability/logger.js';
import { AttemptControl, type AttemptLimits, type DnsLookup } from '../attempt.js';
import { isRecord } from '../http-body.js';
import {
  AppModeMismatchError,
  AuthenticationError,
  CancelledError,
  ConversationCompletedError,
  ConversationNotFoundError,
  StreamInterrupted,
  ValidationError,
  toWorkflowError,
} from '../errors.js';
import { callWithRetries, type CallGuards } from '../resilient-call.js';
import { readSse } from '../sse.js';
import { renderInputs } from '../template.js';
import type { RunOptions, WorkflowClient, WorkflowConfig, WorkflowRequest, WorkflowResult } from '../types.js';
import { DifyApi } from './api.js';
import { ENDPOINTS, KIND_LABELS, MODE_LABELS, MODES_FOR_KIND, STREAMING_ONLY_MODES, withArticle, type DifyKind } from './app-mode.js';
import { readBlockingAnswer, type BlockingOutcome } from './blocking-handler.js';
import { checkDifyConnection } from './check.js';
import { checkFiles, fileReference, uploadForm, type DifyFileReference } from './files.js';
import { AppMetadataCache, type AppInfo } from './metadata.js';
import { parseParameters, validateInputs, type AppParameters } from './parameters.js';
import { DifyStreamHandler } from './stream-handler.js';

export interface DifyClientDeps {
  logger: Logger;
  guards: CallGuards;
  metadata: AppMetadataCache;
  clock: () => number;
  /** DNS hook for the HTTP agent (split-horizon setups, tests). */
  lookup?: DnsLookup;
  /** The egress policy and agents. @defaultValue the process's */
  egress?: EgressAgents;
  /** Told about each stream event this client does not know (ignored otherwise). */
  onUnknownEvent?: (event: string) => void;
}

/** Metadata and stop calls get a short budget of their own: they must never hold a run for long. */
const AUXILIARY_CALL_MS = 10_000;

type RunOutcome = BlockingOutcome & { unknownEvents?: number };

/** Dify's refusal of `response_mode: blocking` by a streaming-only app (New Agent: 400 bad_request "Agent App only
 * supports streaming response mode."; Agent: "… does not support blocking mode"). */
function refusesBlocking(err: unknown): boolean {
  return err instanceof ValidationError && /streaming response mode|not support blocking/i.test(err.message);
}

/**
 * Dify's service API for every app mode (chat, chatflow, agent via /chat-messages; workflow via /workflows/run;
 * completion via /completion-messages), streaming by default.
 *
 * Retry safety: an attempt is repeated only when nothing of it reached the caller (`onText` / `onReplace` not yet
 * called). Once text was shown, a failure is thrown with `textDelivered: true` and the caller decides: repeating a
 * run that already produced output could show it twice and repeat its side effects (tools, HTTP nodes). When an
 * abandoned attempt already had a Dify task id, that task is stopped before the retry.
 */
export class DifyWorkflowClient implements WorkflowClient {
  private readonly api: DifyApi;
  private readonly endpoints: (typeof ENDPOINTS)[DifyKind];

  constructor(
    private readonly config: WorkflowConfig & { kind: DifyKind },
    private readonly deps: DifyClientDeps,
  ) {
    this.api = new DifyApi(config.baseUrl, config.apiKey, deps.lookup, deps.egress);
    this.endpoints = ENDPOINTS[config.kind];
  }

  async run(req: WorkflowRequest, opts: RunOptions = {}): Promise<WorkflowResult> {
    const startedAt = this.deps.clock();
    const [info, parameters] = await Promise.all([this.appInfo(opts.signal), this.parameters(opts.signal)]);
    this.assertModeMatches(info);
    const inputs = this.buildInputs(req, parameters);
    const files = await this.uploadFiles(req, parameters, opts);
    let streaming = this.useStreaming(info);

    let conversationId = this.config.kind === 'dify_chat' ? req.conversationId : undefined;
    let restart: WorkflowResult['conversationRestartReason'];
    for (;;) {
      try {
        const body = this.requestBody(req, inputs, files, streaming, conversationId);
        const outcome = streaming ? await this.runStreaming(req, body, opts, info?.mode) : await this.runBlocking(req, body, opts);
        return this.result(outcome, startedAt, restart);
      } catch (err) {
        if (!streaming && refusesBlocking(err)) {
          this.deps.logger.info('the Dify app answers in streaming mode only, streaming');
          streaming = true;
          continue;
        }
        // Once: a conversation that is gone or has ended is replaced by a new one (never after text was shown).
        if (err instanceof ConversationNotFoundError && conversationId && !restart && !err.textDelivered) {
          restart = err instanceof ConversationCompletedError ? 'completed' : 'not_found';
          this.deps.logger.info({ reason: restart }, 'the Dify conversation cannot be continued, starting a new one');
          conversationId = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  check(): Promise<CheckReport> {
    return checkDifyConnection(this.config, {
      getJson: (path) => this.getJson(path, undefined),
    });
  }

  // -------------------------------------------------------------------------------------------------------------

  private async runStreaming(req: WorkflowRequest, body: Record<string, unknown>, opts: RunOptions, appMode: string | undefined): Promise<RunOutcome> {
    let handler: DifyStreamHandler | undefined;
    const headers = { Accept: 'text/event-stream', ...(req.traceId ? { 'X-Trace-Id': req.traceId } : {}) };
    try {
      return await callWithRetries(
        this.deps.guards,
        {
          signal: opts.signal,
          budget: opts.budget,
          streaming: true,
          operation: 'run',
          mayRetry: () => !handler?.textDelivered,
          beforeRetry: () => this.stopAbandoned(handler, req.user),
        },
        async (control) => {
          handler = new DifyStreamHandler(this.config.kind, this.config.outputSelector, this.api.baseUrl, { ...opts, onUnknownEvent: this.deps.onUnknownEvent }, appMode);
          const response = await this.api.post(this.endpoints.run, body, control, headers);
          if (response.contentType.includes('application/json')) {
            // Some deployments answer a streaming request whole (e.g. behind a buffering proxy).
            return readBlockingAnswer(await this.api.json(response), this.config.kind, this.config.outputSelector, this.api.baseUrl);
          }
          const current = handler;
          await readSse(response.body, control, (message) => current.handle(message));
          if (current.failure) throw current.failure;
          if (!current.finished && !current.humanInput) throw new StreamInterrupted('the connection closed before the final event');
          return this.outcomeOf(current);
        },
      );
    } catch (err) {
      const failure = toWorkflowError(err);
      if (handler?.textDelivered) failure.textDelivered = true;
      if (failure instanceof CancelledError) await this.stopAbandoned(handler, req.user);
      throw failure;
    }
  }

  private async runBlocking(req: WorkflowRequest, body: Record<string, unknown>, opts: RunOptions): Promise<RunOutcome> {
    const headers = req.traceId ? { 'X-Trace-Id': req.traceId } : {};
    return callWithRetries(this.deps.guards, { signal: opts.signal, budget: opts.budget, streaming: false, operation: 'run' }, async (control) => {
      const response = await this.api.post(this.endpoints.run, body, control, headers);
      return readBlockingAnswer(await this.api.json(response), this.config.kind, this.config.outputSelector, this.api.baseUrl);
    });
  }

  private outcomeOf(handler: DifyStreamHandler): RunOutcome {
    const outcome: RunOutcome = {
      answer: handler.answer,
      files: handler.files,
      providerIds: handler.providerIds,
      unknownEvents: handler.unknownEvents,
    };
    if (handler.usage) outcome.usage = handler.usage;
    if (handler.conversationId) outcome.conversationId = handler.conversationId;
    if (handler.humanInput) outcome.humanInput = handler.humanInput;
    return outcome;
  }

  private result(outcome: RunOutcome, startedAt: number, restart: WorkflowResult['conversationRestartReason']): WorkflowResult {
    const result: WorkflowResult = {
      answer: outcome.answer,
      files: outcome.files,
      latencyMs: this.deps.clock() - startedAt,
      providerIds: outcome.providerIds,
      unknownEvents: outcome.unknownEvents ?? 0,
    };
    if (this.config.kind === 'dify_chat' && outcome.conversationId) result.conversationId = outcome.conversationId;
    if (restart) {
      result.conversationRestarted = true;
      result.conversationRestartReason = restart;
    }
    if (outcome.usage) result.usage = outcome.usage;
    if (outcome.humanInput) result.humanInput = outcome.humanInput;
    return result;
  }

  /** Stops a Dify task we are walking away from (caller abort, retry after a broken stream). Best effort. */
  private async stopAbandoned(handler: DifyStreamHandler | undefined, user: string): Promise<void> {
    const taskId = handler?.providerIds.taskId;
    if (!handler || !taskId || handler.finished) return;
    const control = new AttemptControl(this.auxiliaryLimits(), undefined, false);
    try {
      const response = await this.api.post(this.endpoints.stop(taskId), { user }, control);
      await this.api.json(response, 64 * 1024);
    } catch (err) {
      this.deps.logger.warn({ taskId, code: toWorkflowError(err).code }, 'could not stop the Dify task');
    } finally {
      control.dispose();
    }
  }

  // -------------------------------------------------------------------------------------------------------------

  private buildInputs(req: WorkflowRequest, parameters: AppParameters | undefined): Record<string, unknown> {
    const mapped = req.context && Object.keys(this.config.inputMapping).length > 0 ? renderInputs(this.config.inputMapping, req.context) : {};
    const inputs: Record<string, unknown> = { ...mapped, ...req.inputs };
    const declaresQuery = !parameters || parameters.inputs.some((i) => i.variable === 'query');
    if (this.config.kind !== 'dify_chat' && !Object.hasOwn(inputs, 'query') && req.query && declaresQuery) inputs.query = req.query;
    return parameters ? validateInputs(inputs, parameters.inputs) : inputs;
  }

  private requestBody(
    req: WorkflowRequest,
    inputs: Record<string, unknown>,
    files: DifyFileReference[],
    streaming: boolean,
    conversationId: string | undefined,
  ): Record<string, unknown> {
    const body: Record<string, unknown> = { inputs, user: req.user, response_mode: streaming ? 'streaming' : 'blocking' };
    if (this.config.kind === 'dify_chat') {
      body.query = req.query;
      if (conversationId) body.conversation_id = conversationId;
    }
    if (files.length > 0) body.files = files;
    return body;
  }

  private async uploadFiles(req: WorkflowRequest, parameters: AppParameters | undefined, { signal, budget }: RunOptions): Promise<DifyFileReference[]> {
    const payloads = req.files ?? [];
    if (payloads.length === 0) return [];
    const types = checkFiles(payloads, parameters?.files);
    const references: DifyFileReference[] = [];
    for (const [i, file] of payloads.entries()) {
      const type = types[i] ?? 'custom';
      const reference = await callWithRetries(this.deps.guards, { signal, budget, streaming: false, operation: 'upload' }, async (control) => {
        const response = await this.api.postForm('/files/upload', uploadForm(file, req.user), control);
        return fileReference(await this.api.json(response), type);
      });
      references.push(reference);
    }
    return references;
  }

  private useStreaming(info: AppInfo | undefined): boolean {
    if (this.config.responseMode === 'streaming') return true;
    return info?.mode !== undefined && STREAMING_ONLY_MODES.includes(info.mode);
  }

  /** A key of another app type fails at once with the sentence the console shows, before any run call. */
  private assertModeMatches(info: AppInfo | undefined): void {
    const mode = info?.mode;
    if (!mode || (MODES_FOR_KIND[this.config.kind] as readonly string[]).includes(mode)) return;
    throw new AppModeMismatchError(
      `This key belongs to ${withArticle(MODE_LABELS[mode] ?? mode)} app, but the binding says ${KIND_LABELS[this.config.kind]}.`,
      { remoteCode: 'app_mode_mismatch' },
    );
  }

  private appInfo(signal?: AbortSignal): Promise<AppInfo | undefined> {
    return this.cachedMetadata<AppInfo>('info', signal, (body) => {
      const record = isRecord(body) ? body : {};
      const info: AppInfo = {};
      if (typeof record.name === 'string') info.name = record.name;
      if (typeof record.mode === 'string') info.mode = record.mode;
      return info;
    });
  }

  private parameters(signal?: AbortSignal): Promise<AppParameters | undefined> {
    return this.cachedMetadata<AppParameters>('parameters', signal, parseParameters);
  }

  /**
   * `/v1/info` or `/v1/parameters`, cached per binding. A rejected key fails the run (it would fail anyway);
   * anything else unavailable means "unknown": the run goes on without that check.
   */
  private async cachedMetadata<T extends AppInfo | AppParameters>(
    what: 'info' | 'parameters',
    signal: AbortSignal | undefined,
    parse: (body: unknown) => T,
  ): Promise<T | undefined> {
    const key = AppMetadataCache.key(this.config.id, this.config.baseUrl, this.config.apiKey, what);
    const cached = this.deps.metadata.get<T>(key);
    if (cached !== undefined) return cached ?? undefined;
    if (this.deps.guards.breaker.state() === 'open') return undefined;
    try {
      const value = parse(await this.getJson(`/${what}`, signal));
      this.deps.metadata.set(key, value);
      return value;
    } catch (err) {
      const failure = toWorkflowError(err);
      if (failure instanceof AuthenticationError || failure instanceof CancelledError) throw failure;
      this.deps.logger.warn({ code: failure.code }, `Dify /${what} unavailable, going on without it`);
      this.deps.metadata.markUnavailable(key);
      return undefined;
    }
  }

  private async getJson(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    const control = new AttemptControl(this.auxiliaryLimits(), signal, true);
    try {
      const response = await this.api.get(path, control);
      return await this.api.json(response);
    } catch (err) {
      throw toWorkflowError(control.abortReason ?? err);
    } finally {
      control.dispose();
    }
  }

  private auxiliaryLimits(): AttemptLimits {
    const { limits } = this.deps.guards;
    return {
      connectMs: Math.min(limits.connectMs, AUXILIARY_CALL_MS),
      firstByteMs: Math.min(limits.firstByteMs, AUXILIARY_CALL_MS),
      idleMs: Math.min(limits.idleMs, AUXILIARY_CALL_MS),
      totalMs: Math.min(limits.totalMs, AUXILIARY_CALL_MS),
    };
  }
}

