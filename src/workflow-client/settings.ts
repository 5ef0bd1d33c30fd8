import { z } from 'zod';
import { strictObject } from '../core/strict-object.js';
import { ConfigError } from '../errors.js';
import { httpBackendSettingsShape } from './http/settings.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/retry.js';
import type { WorkflowConfig, WorkflowKind } from './types.js';

/** Timeouts of one attempt. The total budget of an attempt is `WorkflowConfig.timeoutMs`. */
export interface AttemptTimeouts {
  /** TCP (and DNS) connect. @defaultValue 5000 */
  connectMs: number;
  /** From connected to the response headers (streaming only; blocking answers arrive whole). @defaultValue 30000 */
  firstByteMs: number;
  /** Longest silence between two chunks of a stream; Dify pings every ~10 s, pings count. @defaultValue 30000 */
  idleMs: number;
}

export interface WorkflowSettings {
  /** Retries inside one call. With the pipeline each also takes a try from the message's budget (JOB_ATTEMPTS). */
  retry: RetryPolicy;
  /** Runs of this binding talking to the backend at once (per process). @defaultValue 8 */
  concurrency: number;
  /** Runs allowed to wait for a slot; more fail fast with a retryable `workflow_overloaded`. @defaultValue 100 */
  maxWaiting: number;
  breaker: {
    /** Consecutive upstream failures, of as many different inputs, that open the breaker. @defaultValue 5 */
    failureThreshold: number;
    /** Time open before one probe is let through. @defaultValue 30000 */
    cooldownMs: number;
  };
  /** What the pipeline shows when the run fails for good. */
  fallbackText: string;
  /** Chat commands that start a new conversation (handled by the pipeline). @defaultValue ['/reset', '/new'] */
  resetCommands: string[];
  timeouts: AttemptTimeouts;
}

export const DEFAULT_FALLBACK_TEXT = 'Sorry, I could not get an answer right now. Please try again in a moment.';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const resilienceShape = {
  retry: strictObject({
    attempts: positiveInt.max(20).optional(),
    baseDelayMs: nonNegativeInt.optional(),
    maxDelayMs: nonNegativeInt.optional(),
    maxRetryAfterMs: nonNegativeInt.optional(),
  }).optional(),
  concurrency: positiveInt.max(10_000).optional(),
  maxWaiting: nonNegativeInt.optional(),
  breaker: strictObject({ failureThreshold: positiveInt.optional(), cooldownMs: nonNegativeInt.optional() }).optional(),
  fallbackText: z.string().min(1).max(2000).optional(),
  resetCommands: z.array(z.string().min(1).max(64)).max(20).optional(),
  timeouts: strictObject({ connectMs: positiveInt.optional(), firstByteMs: positiveInt.optional(), idleMs: positiveInt.optional() }).optional(),
};

/** Each part of a binding's settings reads its own keys; the whole is checked by `workflowSettingsSchema`. */
const settingsSchema = z.object(resilienceShape);

/**
 * Every key a binding's `settings` may hold for its kind. Strict: an unknown key is an error naming the closest
 * valid one, so a typo (`fallbacktext`) cannot be stored and silently ignored.
 */
export function workflowSettingsSchema(kind: WorkflowKind) {
  return strictObject(kind === 'http' ? { ...resilienceShape, ...httpBackendSettingsShape } : resilienceShape);
}

/**
 * The binding's resilience settings from `config.settings`, defaults filled in. Keys of other parts (http backend
 * settings, ...) are left to them; a present but wrong value is a ConfigError naming the setting.
 */
export function workflowSettings(config: Pick<WorkflowConfig, 'settings'>): WorkflowSettings {
  const parsed = settingsSchema.safeParse(config.settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '?';
    throw new ConfigError(`workflow setting "${where}" is invalid: ${issue?.message ?? 'bad value'}`, {
      code: 'workflow_settings_invalid',
    });
  }
  const s = parsed.data;
  return {
    retry: { ...DEFAULT_RETRY_POLICY, ...stripUndefined(s.retry ?? {}) },
    concurrency: s.concurrency ?? 8,
    maxWaiting: s.maxWaiting ?? 100,
    breaker: { failureThreshold: s.breaker?.failureThreshold ?? 5, cooldownMs: s.breaker?.cooldownMs ?? 30_000 },
    fallbackText: s.fallbackText ?? DEFAULT_FALLBACK_TEXT,
    resetCommands: s.resetCommands ?? ['/reset', '/new'],
    timeouts: {
      connectMs: s.timeouts?.connectMs ?? 5_000,
      firstByteMs: s.timeouts?.firstByteMs ?? 30_000,
      idleMs: s.timeouts?.idleMs ?? 30_000,
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
