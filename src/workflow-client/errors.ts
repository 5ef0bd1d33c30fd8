import { AxiosError } from 'axios';
import { egressDenialIn, sameOriginRedirect, type EgressDeniedError } from '../egress/index.js';
import { AppError } from '../errors.js';
import { parseRetryAfter } from '../core/retry.js';

/**
 * The workflow client's error family. Every failure of a workflow backend (Dify or generic HTTP) reaches the
 * caller as one of these, built by {@link toWorkflowError} — the only place remote failures are translated.
 *
 * - `retryable` / `retryAfterMs` are read by the queue (`retryHintOf`): retry later, or dead-letter at once.
 * - `userMessage` is a sentence that may be shown to the chat user as is (otherwise the pipeline shows its fallback).
 * - `textDelivered` is true when part of the answer had already reached `onText` before the failure: the client
 *   never retries such a run itself (see README of the client: repeating a run that produced output is not provably
 *   safe), the caller decides what to show.
 * - Messages never contain the API key; `cause` is a sanitized summary, never a raw axios error (which carries
 *   request headers).
 */
export interface WorkflowErrorOptions {
  retryable: boolean;
  retryAfterMs?: number;
  userMessage?: string;
  /** HTTP status of the remote answer, when there was one. */
  remoteStatus?: number;
  /** The remote's own error code (Dify `code`), when it gave one. */
  remoteCode?: string;
  cause?: unknown;
}

export class WorkflowError extends AppError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly userMessage?: string;
  readonly remoteStatus?: number;
  readonly remoteCode?: string;
  /** True when text had already been streamed to the caller when this failure happened. */
  textDelivered = false;

  constructor(code: string, message: string, opts: WorkflowErrorOptions) {
    // 502: a failure of something behind us. Never exposed as is: the HTTP layer shows a generic message.
    super(code, message, { status: 502, expose: false, cause: opts.cause });
    this.retryable = opts.retryable;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.userMessage !== undefined) this.userMessage = opts.userMessage;
    if (opts.remoteStatus !== undefined) this.remoteStatus = opts.remoteStatus;
    if (opts.remoteCode !== undefined) this.remoteCode = opts.remoteCode;
  }
}

type SubclassOptions = Omit<WorkflowErrorOptions, 'retryable'>;

/** The API key was rejected (401/403). Permanent. */
export class AuthenticationError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super('workflow_auth_failed', message, { ...opts, retryable: false });
  }
}

/** 429 `too_many_requests`: the app's concurrency limit (or an unnamed 429). Retryable, honours Retry-After. */
export class RateLimitError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super('workflow_rate_limited', message, { ...opts, retryable: true });
  }
}

/** The request was refused as invalid (`invalid_param`, a required input missing, a bad select value...). Permanent. */
export class ValidationError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super('workflow_invalid_request', message, { ...opts, retryable: false });
  }
}

/** The app is not usable as configured (`app_unavailable`, `provider_not_initialize`, `provider_quota_exceeded`,
 * `model_currently_not_support`, `agent_not_published`, a plan limit, a wrong base URL). Permanent until someone fixes
 * the app, the plan or the binding. */
export class AppConfigurationError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}, code = 'workflow_app_misconfigured') {
    super(code, message, { ...opts, retryable: false });
  }
}

/** 429 `rate_limit_error`: a Dify Cloud plan quota is used up. Retrying does not clear it, only the quota period or a
 * plan change does, so it is a configuration problem, never retried. */
export class QuotaExhaustedError extends AppConfigurationError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super(message, opts, 'workflow_quota_exhausted');
  }
}

/** The key belongs to another app type than the binding says (`not_chat_app`, `not_completion_app`, `not_workflow_app`). */
export class AppModeMismatchError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super('workflow_app_mode_mismatch', message, { ...opts, retryable: false });
  }
}

/** 404 "Conversation Not Exists.": the client restarts the conversation once by itself. */
export class ConversationNotFoundError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions = {}, code = 'workflow_conversation_not_found') {
    super(code, message, { ...opts, retryable: false });
  }
}

/** 400 `conversation_completed`: the conversation has ended. Recovered like a missing one (a new conversation, once). */
export class ConversationCompletedError extends ConversationNotFoundError {
  constructor(message: string, opts: SubclassOptions = {}) {
    super(message, opts, 'workflow_conversation_completed');
  }
}

export type TimeoutKind = 'connect' | 'first_byte' | 'idle' | 'total';

/** One attempt ran out of time. Retryable. */
export class TimeoutError extends WorkflowError {
  readonly kind: TimeoutKind;
  readonly timeoutMs: number;
  constructor(kind: TimeoutKind, timeoutMs: number, opts: SubclassOptions = {}) {
    super('workflow_timeout', `${TIMEOUT_LABELS[kind]} timeout after ${timeoutMs} ms`, { ...opts, retryable: true });
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

const TIMEOUT_LABELS: Record<TimeoutKind, string> = {
  connect: 'connect',
  first_byte: 'first byte',
  idle: 'idle (no stream event)',
  total: 'total',
};

/** The egress policy refused the call (scheme, address, redirect): the configuration must change, so never retried. */
export class EgressRefusedError extends WorkflowError {
  constructor(denied: EgressDeniedError) {
    super('egress_denied', denied.message, { retryable: false, cause: denied });
  }
}

/**
 * The failure for a redirect answer: the backend's API is not followed through redirects. Leaving the origin is an
 * egress refusal (EgressDeniedError); staying on it is a configuration error that names only the origin.
 */
export function redirectFailure(from: URL, status: number, location: string | undefined): Error {
  sameOriginRedirect(from, location);
  return new UpstreamError(`the workflow backend answered a redirect (${status}) within ${from.origin}; set the base URL to the address it redirects to`, {
    retryable: false,
  });
}

/** 5xx or a network failure. Retryable unless said otherwise. */
export class UpstreamError extends WorkflowError {
  constructor(message: string, opts: SubclassOptions & { retryable?: boolean } = {}) {
    super('workflow_upstream_failed', message, { ...opts, retryable: opts.retryable ?? true });
  }
}

/** The stream failed: a disconnect before the end, a failed or stopped workflow run, an `error` event without a
 * status. (An `error` event naming a Dify code or status is classified like the same failure over HTTP.) */
export class StreamError extends WorkflowError {
  constructor(message: string, opts: WorkflowErrorOptions) {
    super('workflow_stream_failed', message, opts);
  }
}

/** A file cannot be passed to the app (type, size, count, or the app takes no files). Permanent; `userMessage` says why. */
export class FileRefusedError extends WorkflowError {
  constructor(message: string, userMessage: string, opts: SubclassOptions = {}) {
    super('file_refused', message, { ...opts, userMessage, retryable: false });
  }
}

/** The binding's circuit breaker is open: fail fast, retry when it half-opens (`retryAfterMs`). */
export class CircuitOpenError extends WorkflowError {
  constructor(retryAfterMs: number) {
    super('circuit_open', `circuit open: the workflow failed repeatedly; next probe in ${retryAfterMs} ms`, {
      retryable: true,
      retryAfterMs,
    });
  }
}

/** Too many runs already wait for this binding's concurrency cap. Retryable later. */
export class OverloadedError extends WorkflowError {
  constructor(message: string, retryAfterMs: number) {
    super('workflow_overloaded', message, { retryable: true, retryAfterMs });
  }
}

/** The caller aborted the run (its `signal`). Not retried by the client; the caller knows why it aborted. */
export class CancelledError extends WorkflowError {
  constructor(opts: SubclassOptions = {}) {
    super('workflow_cancelled', 'the run was cancelled by the caller', { ...opts, retryable: false });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Internal failure carriers: thrown by transport code, translated by toWorkflowError.

/** A remote answered with an error status; `body` is the parsed JSON body (or text) of the answer. */
export class HttpStatusFailure extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: unknown,
    readonly headers: Record<string, string | string[] | undefined>,
  ) {
    super(`HTTP ${httpStatus}`);
    this.name = 'HttpStatusFailure';
  }
}

/** Abort reason set by an attempt's timer. */
export class AttemptTimeout extends Error {
  constructor(
    readonly kind: TimeoutKind,
    readonly timeoutMs: number,
  ) {
    super(`attempt ${kind} timeout`);
    this.name = 'AttemptTimeout';
  }
}

/** Abort reason set when the caller's signal fired. */
export class CallerAbort extends Error {
  constructor(readonly reason: unknown) {
    super('aborted by caller');
    this.name = 'CallerAbort';
  }
}

/** The stream ended before its terminal event (connection dropped mid-stream). */
export class StreamInterrupted extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'StreamInterrupted';
  }
}

/** A Dify `error` stream event (`{status, code, message}`), or a workflow run that finished failed/stopped. */
export class RemoteStreamFailure extends Error {
  constructor(
    readonly remoteStatus: number | undefined,
    readonly remoteCode: string | undefined,
    readonly remoteMessage: string,
  ) {
    super(remoteMessage);
    this.name = 'RemoteStreamFailure';
  }
}

// ---------------------------------------------------------------------------------------------------------------

const PERMANENT_CONFIG_CODES = new Set([
  'app_unavailable',
  'provider_not_initialize',
  'provider_quota_exceeded',
  'model_currently_not_support',
  'agent_not_published',
  'workflow_version_execution_not_allowed',
]);
const MODE_MISMATCH_CODES = new Set(['not_chat_app', 'not_completion_app', 'not_workflow_app', 'app_mode_mismatch']);
const FILE_CODES = new Set([
  'file_too_large',
  'unsupported_file_type',
  'too_many_files',
  'no_file_uploaded',
  'filename_not_exists_error',
  'file_extension_blocked',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Dify's `{code, message, status}` error body, when the body is one. */
export function remoteErrorFields(body: unknown): { code?: string; message?: string } {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? { message: body.slice(0, 300) } : {};
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : undefined;
  const message =
    typeof record.message === 'string' ? record.message : typeof record.error === 'string' ? record.error : undefined;
  return { code, message: message?.slice(0, 500) };
}

function fileRefusalSentence(code: string | undefined, status: number | undefined): string {
  if (code === 'file_too_large' || status === 413) return 'This file is too large for the assistant. Please send a smaller file.';
  if (code === 'unsupported_file_type' || code === 'file_extension_blocked' || status === 415)
    return 'The assistant cannot read this type of file. Please send it in another format.';
  if (code === 'too_many_files') return 'Too many files at once for the assistant. Please send fewer files.';
  return 'The assistant could not accept this file.';
}

/** One Dify failure as reported: an HTTP error answer, or an `error` event inside a stream (HTTP 200). */
export interface DifyFailure {
  /** The HTTP status, or the `status` field of a stream `error` event. */
  status?: number;
  code?: string;
  message: string;
  retryAfterMs?: number;
  /** Where it came from; only changes the fallback for a failure that names neither a known code nor a status. */
  origin: 'http' | 'stream';
}

/**
 * The one classification of Dify's error codes, the same for an HTTP answer and a stream `error` event (Dify's
 * errors guide: "the event's code values are the same ones … classify them with the same rules"). The code decides
 * first, then the status. Retry: only `too_many_requests` (app concurrency), 5xx and 408; `rate_limit_error` is a
 * plan quota that retrying does not clear.
 */
export function classifyDifyFailure(f: DifyFailure): WorkflowError {
  const { status, code } = f;
  const detail = f.message || (status !== undefined ? `HTTP ${status}` : 'no message');
  const base = { remoteStatus: status, remoteCode: code };
  const label = code ?? (status !== undefined ? String(status) : 'error');

  if (code === 'rate_limit_error') {
    return new QuotaExhaustedError(`the Dify plan's quota is used up (rate_limit_error), retrying will not help until the quota resets or the plan changes: ${detail}`, base);
  }
  if (code === 'too_many_requests' || (status === 429 && code === undefined)) {
    return new RateLimitError(`rate limited (${code ?? 'too_many_requests'}): ${detail}`, { ...base, retryAfterMs: f.retryAfterMs });
  }
  if (code === 'conversation_completed') return new ConversationCompletedError(`the conversation has ended: ${detail}`, base);
  if ((code !== undefined && FILE_CODES.has(code)) || status === 413 || status === 415) {
    return new FileRefusedError(`file refused (${label}): ${detail}`, fileRefusalSentence(code, status), base);
  }
  if (code !== undefined && MODE_MISMATCH_CODES.has(code)) {
    return new AppModeMismatchError(`the app type does not match the binding (${code}): ${detail}`, base);
  }
  if (code !== undefined && PERMANENT_CONFIG_CODES.has(code)) {
    return new AppConfigurationError(`the app cannot run (${code}): ${detail}`, base);
  }
  if (code === 'completion_request_error' || code === 'workflow_request_error') {
    // The model/workflow invocation itself failed after Dify accepted the request: not repeated by us.
    return new WorkflowError('workflow_request_failed', `the app failed to answer (${code}): ${detail}`, { ...base, retryable: false });
  }
  if (status === 401 || status === 403) {
    return new AuthenticationError(`the workflow backend rejected the API key (${status}): ${detail}`, base);
  }
  if (status === 404) {
    if (/conversation/i.test(detail)) return new ConversationNotFoundError(`conversation not found: ${detail}`, base);
    return new AppConfigurationError(`the workflow endpoint was not found (404): check the base URL. ${detail}`, base);
  }
  if (status !== undefined && (status >= 500 || status === 408)) {
    return new UpstreamError(`the workflow backend failed (${status}${code ? ` ${code}` : ''}): ${detail}`, base);
  }
  if (status === undefined && f.origin === 'stream') {
    // A stream failure of our own naming (`workflow_failed`, `workflow_stopped`) or an event without a status.
    return new StreamError(`the stream reported an error (${label}): ${detail}`, { ...base, retryable: false });
  }
  return new ValidationError(`the request was refused (${[status, code].filter((x) => x !== undefined).join(' ')}): ${detail}`, base);
}

function fromHttpStatus(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): WorkflowError {
  const { code, message } = remoteErrorFields(body);
  return classifyDifyFailure({ status, code, message: message ?? '', retryAfterMs: parseRetryAfter(headers['retry-after']), origin: 'http' });
}

function fromStreamFailure(f: RemoteStreamFailure): WorkflowError {
  return classifyDifyFailure({ status: f.remoteStatus, code: f.remoteCode, message: f.remoteMessage, origin: 'stream' });
}

/** A short description of a low-level error, safe to keep as `cause` (no config, no headers). */
function sanitizedCause(err: unknown): Error {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return new Error(typeof code === 'string' ? `${code}: ${err.message}` : err.message);
  }
  return new Error(String(err));
}

/**
 * The one translation of any failure of a workflow backend call into the {@link WorkflowError} tree:
 * HTTP error statuses with Dify's `{code, message}` bodies, axios/network errors, attempt timeouts, caller aborts,
 * stream error events and interrupted streams. Already-typed errors pass through unchanged.
 */
export function toWorkflowError(err: unknown): WorkflowError {
  if (err instanceof WorkflowError) return err;
  const denied = egressDenialIn(err);
  if (denied) return new EgressRefusedError(denied);
  if (err instanceof AttemptTimeout) return new TimeoutError(err.kind, err.timeoutMs);
  if (err instanceof CallerAbort) return new CancelledError({ cause: sanitizedCause(err.reason ?? 'aborted') });
  if (err instanceof HttpStatusFailure) return fromHttpStatus(err.httpStatus, err.body, err.headers);
  if (err instanceof RemoteStreamFailure) return fromStreamFailure(err);
  if (err instanceof StreamInterrupted) {
    return new StreamError(`the stream ended before it finished: ${err.message}`, { retryable: true });
  }
  if (err instanceof AxiosError) {
    if (err.response) {
      const headers = err.response.headers as Record<string, string | string[] | undefined>;
      return fromHttpStatus(err.response.status, err.response.data, headers);
    }
    return new UpstreamError(`could not reach the workflow backend (${err.code ?? 'network error'}): ${err.message}`, {
      cause: sanitizedCause(err),
    });
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      return new UpstreamError(`network failure (${code}): ${err.message}`, { cause: sanitizedCause(err) });
    }
    if (err.name === 'AbortError' || err.message === 'aborted' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return new StreamError(`the connection closed early: ${err.message}`, { retryable: true, cause: sanitizedCause(err) });
    }
    return new UpstreamError(`unexpected failure calling the workflow backend: ${err.message}`, {
      cause: sanitizedCause(err),
    });
  }
  return new UpstreamError(`unexpected failure calling the workflow backend: ${String(err)}`);
}
