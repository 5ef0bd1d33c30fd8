import { CancelledError, CircuitOpenError, OverloadedError, type WorkflowError } from './errors.js';

/**
 * A circuit breaker per workflow binding: a pure state machine with an injectable clock.
 *
 * closed ──(failureThreshold consecutive failures, of as many inputs)──▶ open ──(cooldownMs elapsed)──▶ half_open
 * half_open: exactly one probe goes through; success → closed, failure → open again (fresh cooldown).
 *
 * Only upstream-health failures are reported (see `breakerVerdict`), and one input (a chat message, given as the
 * failure's `source`) counts once however often it is retried: an input the backend always fails on must not open
 * the breaker for every user. Any answer about the request itself (a 4xx, a workflow that failed on this input)
 * proves the backend is up and counts as success.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export type BreakerPermit = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

/**
 * How a failed call counts for the breaker, from the error's retry hint:
 * - 'failure': the backend could not answer — timeouts, 5xx, connection errors, broken streams, 429 (anything a
 *   retry may fix, which is what the error classes mark `retryable`);
 * - 'healthy': the backend answered about this request — a 4xx, a workflow that failed on this input (nothing a
 *   retry fixes): it is up;
 * - 'neutral': says nothing about the backend — the caller's abort, our own overload or open circuit.
 */
export function breakerVerdict(err: WorkflowError): 'failure' | 'neutral' | 'healthy' {
  if (err instanceof CancelledError || err instanceof OverloadedError || err instanceof CircuitOpenError) return 'neutral';
  return err.retryable ? 'failure' : 'healthy';
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  /** Inputs among the consecutive failures: each counts once. Never more than failureThreshold entries. */
  private readonly failingSources = new Set<string>();
  private openedAt = 0;
  private probeInFlight = false;
  private current: BreakerState = 'closed';

  constructor(
    private options: BreakerOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Applies new options (settings changed); keeps the state. */
  configure(options: BreakerOptions): void {
    this.options = options;
  }

  state(): BreakerState {
    if (this.current === 'open' && this.clock() - this.openedAt >= this.options.cooldownMs) return 'half_open';
    return this.current;
  }

  /** Asks to make one call. When refused, `retryAfterMs` is the time until a probe may go. */
  tryAcquire(): BreakerPermit {
    const state = this.state();
    if (state === 'closed') return { allowed: true, probe: false };
    if (state === 'open') {
      return { allowed: false, retryAfterMs: Math.max(1, this.options.cooldownMs - (this.clock() - this.openedAt)) };
    }
    if (this.probeInFlight) {
      // Someone is probing: come back a little later rather than pile on.
      return { allowed: false, retryAfterMs: Math.max(1, Math.min(this.options.cooldownMs, 1_000)) };
    }
    this.current = 'half_open';
    this.probeInFlight = true;
    return { allowed: true, probe: true };
  }

  onSuccess(): void {
    this.consecutiveFailures = 0;
    this.failingSources.clear();
    this.probeInFlight = false;
    this.current = 'closed';
  }

  /** A failure of the backend; `source` names the input, which then counts only on its first failure. */
  onFailure(source?: string): void {
    this.probeInFlight = false;
    if (this.current === 'half_open') {
      this.trip();
      return;
    }
    if (source !== undefined) {
      if (this.failingSources.has(source)) return;
      this.failingSources.add(source);
    }
    this.consecutiveFailures++;
    if (this.current === 'closed' && this.consecutiveFailures >= this.options.failureThreshold) this.trip();
  }

  /** The call ended without telling anything about the backend (429, caller abort): free the probe slot. */
  onNeutral(permit: BreakerPermit): void {
    if (permit.allowed && permit.probe) {
      this.probeInFlight = false;
      // Back to "cooldown elapsed": the next caller probes.
      this.current = 'open';
      this.openedAt = this.clock() - this.options.cooldownMs;
    }
  }

  private trip(): void {
    this.current = 'open';
    this.openedAt = this.clock();
    this.consecutiveFailures = 0;
    this.failingSources.clear();
  }
}

/** Breakers keyed by workflow id, so they outlive re-created clients. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  constructor(private readonly clock: () => number = Date.now) {}

  get(workflowId: string, options: BreakerOptions): CircuitBreaker {
    let breaker = this.breakers.get(workflowId);
    if (!breaker) {
      breaker = new CircuitBreaker(options, this.clock);
      this.breakers.set(workflowId, breaker);
    } else {
      breaker.configure(options);
    }
    return breaker;
  }

  delete(workflowId: string): void {
    this.breakers.delete(workflowId);
  }
}
