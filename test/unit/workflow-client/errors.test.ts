import { inspect } from 'node:util';
import { AxiosError, AxiosHeaders } from 'axios';
import { describe, expect, test } from 'vitest';
import { retryHintOf } from '../../../src/errors.js';
import {
  AppConfigurationError,
  AppModeMismatchError,
  AttemptTimeout,
  AuthenticationError,
  CallerAbort,
  CancelledError,
  ConversationCompletedError,
  ConversationNotFoundError,
  FileRefusedError,
  HttpStatusFailure,
  QuotaExhaustedError,
  RateLimitError,
  RemoteStreamFailure,
  StreamError,
  StreamInterrupted,
  TimeoutError,
  UpstreamError,
  ValidationError,
  WorkflowError,
  toWorkflowError,
} from '../../../src/workflow-client/errors.js';

const http = (status: number, code?: string, message = 'm', headers: Record<string, string> = {}) =>
  toWorkflowError(new HttpStatusFailure(status, code ? { code, message, status } : message, headers));

describe('toWorkflowError', () => {
  test.each([
    [401, 'unauthorized', AuthenticationError, false],
    [403, undefined, AuthenticationError, false],
    [429, 'too_many_requests', RateLimitError, true],
    [429, 'rate_limit_error', QuotaExhaustedError, false],
    [429, undefined, RateLimitError, true],
    [403, 'workflow_version_execution_not_allowed', AppConfigurationError, false],
    [400, 'agent_not_published', AppConfigurationError, false],
    [400, 'conversation_completed', ConversationCompletedError, false],
    [400, 'bad_request', ValidationError, false],
    [400, 'invalid_param', ValidationError, false],
    [400, 'app_unavailable', AppConfigurationError, false],
    [400, 'provider_not_initialize', AppConfigurationError, false],
    [400, 'provider_quota_exceeded', AppConfigurationError, false],
    [400, 'model_currently_not_support', AppConfigurationError, false],
    [400, 'not_chat_app', AppModeMismatchError, false],
    [400, 'not_completion_app', AppModeMismatchError, false],
    [400, 'not_workflow_app', AppModeMismatchError, false],
    [400, 'completion_request_error', WorkflowError, false],
    [413, 'file_too_large', FileRefusedError, false],
    [415, 'unsupported_file_type', FileRefusedError, false],
    [500, 'internal_server_error', UpstreamError, true],
    [502, undefined, UpstreamError, true],
    [504, undefined, UpstreamError, true],
  ] as const)('%i %s → %o retryable=%s', (status, code, cls, retryable) => {
    const err = http(status, code);
    expect(err).toBeInstanceOf(cls);
    expect(err.retryable).toBe(retryable);
    expect(retryHintOf(err).retryable).toBe(retryable);
    expect(err.remoteStatus).toBe(status);
  });

  test('404 conversation vs 404 elsewhere', () => {
    expect(http(404, 'not_found', 'Conversation Not Exists.')).toBeInstanceOf(ConversationNotFoundError);
    expect(http(404, undefined, '<html>Not Found</html>')).toBeInstanceOf(AppConfigurationError);
  });

  test('429 carries Retry-After in ms', () => {
    expect(http(429, 'too_many_requests', 'm', { 'retry-after': '3' }).retryAfterMs).toBe(3000);
    expect(http(429, 'too_many_requests').retryAfterMs).toBeUndefined();
  });

  test('timeouts, aborts, stream failures', () => {
    const t = toWorkflowError(new AttemptTimeout('idle', 100));
    expect(t).toBeInstanceOf(TimeoutError);
    expect(t).toMatchObject({ kind: 'idle', retryable: true });
    expect(toWorkflowError(new CallerAbort(new Error('bye')))).toBeInstanceOf(CancelledError);
    expect(toWorkflowError(new StreamInterrupted('x'))).toMatchObject({ code: 'workflow_stream_failed', retryable: true });
    expect(toWorkflowError(new RemoteStreamFailure(500, 'internal_server_error', 'x'))).toMatchObject({ retryable: true });
    expect(toWorkflowError(new RemoteStreamFailure(undefined, 'workflow_failed', 'node failed'))).toBeInstanceOf(StreamError);
    expect(toWorkflowError(new RemoteStreamFailure(undefined, 'workflow_failed', 'node failed')).retryable).toBe(false);
  });

  test.each([
    [400, 'invalid_param'],
    [400, 'provider_quota_exceeded'],
    [400, 'provider_not_initialize'],
    [400, 'not_chat_app'],
    [400, 'conversation_completed'],
    [400, 'completion_request_error'],
    [404, 'not_found'],
    [429, 'too_many_requests'],
    [429, 'rate_limit_error'],
    [500, 'internal_server_error'],
  ] as const)('a stream error event %i %s is classified exactly like the same answer over HTTP', (status, code) => {
    const overHttp = http(status, code, 'Conversation Not Exists.');
    const inStream = toWorkflowError(new RemoteStreamFailure(status, code, 'Conversation Not Exists.'));
    expect(inStream.constructor).toBe(overHttp.constructor);
    expect(inStream.code).toBe(overHttp.code);
    expect(inStream.retryable).toBe(overHttp.retryable);
  });

  test('network errors are retryable UpstreamErrors; typed errors pass through', () => {
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toWorkflowError(net)).toBeInstanceOf(UpstreamError);
    expect(toWorkflowError(net).retryable).toBe(true);
    const typed = new ValidationError('x');
    expect(toWorkflowError(typed)).toBe(typed);
  });

  test('an axios error never leaks its request headers (API key) into the typed error', () => {
    const headers = new AxiosHeaders({ Authorization: 'Bearer app-SECRET-KEY-123' });
    const axiosErr = new AxiosError('socket hang up', 'ECONNRESET', { headers } as never);
    const err = toWorkflowError(axiosErr);
    expect(err).toBeInstanceOf(UpstreamError);
    for (const rendering of [JSON.stringify(err), inspect(err, { depth: 10 }), String(err.stack), inspect(err.cause, { depth: 10 })]) {
      expect(rendering).not.toContain('SECRET');
    }
  });
});
