/**
 * A circuit breaker per workflow binding: a pure state machine with an injectable clock.
 *
 * closed ──(failureThreshold consecutive failures)──▶ open ──(cooldownMs elapsed)──▶ half_open
 * half_open: exactly one probe goes through; success → closed, failure → open again (fresh cooldown).
 *
 * Only failures that say "the backend is unhealthy" are reported (timeouts, 5xx, network, broken streams); any
 * other answer (including a 4xx) proves the backend is up and counts as success; 429s and aborts are neutral
 * (see `breakerVerdict` in errors.ts).
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export type BreakerPermit = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number };

export class CircuitBreaker {
  private consecutiveFailures = 0;
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
    this.probeInFlight = false;
    this.current = 'closed';
  }

  onFailure(): void {
    this.probeInFlight = false;
    if (this.current === 'half_open') {
      this.trip();
      return;
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
