export type {
  HumanInputForm,
  HumanInputPause,
  HumanInputRequest,
  RunOptions,
  TemplateContext,
  WorkflowClient,
  WorkflowConfig,
  WorkflowKind,
  WorkflowRequest,
  WorkflowResult,
  WorkflowUsage,
} from './types.js';
export { createWorkflowClient, type WorkflowClientDeps } from './create.js';
export { workflowSettings, DEFAULT_FALLBACK_TEXT, type WorkflowSettings, type AttemptTimeouts } from './settings.js';
export {
  TEMPLATE_FIELDS,
  renderInputs,
  renderJsonTemplate,
  renderTemplate,
  validateJsonTemplate,
  validateMapping,
  validateTemplate,
  type TemplateField,
} from './template.js';
export { userIdFor } from './user-id.js';
export {
  AppConfigurationError,
  AppModeMismatchError,
  AuthenticationError,
  CancelledError,
  CircuitOpenError,
  ConversationCompletedError,
  ConversationNotFoundError,
  FileRefusedError,
  OverloadedError,
  QuotaExhaustedError,
  RateLimitError,
  StreamError,
  TimeoutError,
  UpstreamError,
  ValidationError,
  WorkflowError,
  classifyDifyFailure,
  toWorkflowError,
  type TimeoutKind,
} from './errors.js';
export { BreakerRegistry, CircuitBreaker, type BreakerState } from './circuit-breaker.js';
export { ConcurrencyLimiter, LimiterRegistry } from './concurrency-limiter.js';
export { AppMetadataCache } from './dify/metadata.js';
export { DEFAULT_RETRY_POLICY, getRetryDelayMs, parseRetryAfter, sleep, type RetryPolicy } from '../core/retry.js';
export { httpBackendSettings, type HttpBackendSettings } from './http/settings.js';
