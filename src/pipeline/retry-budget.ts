import type { RetryBudget } from '../workflow-client/types.js';

/**
 * One message's retry budget (JOB_ATTEMPTS, JOB_TIME_BUDGET_MS): tries in all — each processing attempt and each
 * retry of a workflow call inside one — and time from the first try. Kept on the message row (`attempts`,
 * `firstAttemptAt`), so restarts and the queue's own counters do not start it over.
 */
export interface BudgetLimits {
  /** @defaultValue 8 */
  attempts: number;
  /** @defaultValue 300000 */
  timeMs: number;
}

export const DEFAULT_BUDGET_LIMITS: BudgetLimits = { attempts: 8, timeMs: 300_000 };

/** True when a message with this much spent may not start another try. */
export function budgetSpent(row: { attempts: number; firstAttemptAt: Date | null }, limits: BudgetLimits, now = Date.now()): boolean {
  if (row.attempts >= limits.attempts) return true;
  return row.firstAttemptAt !== null && now - row.firstAttemptAt.getTime() >= limits.timeMs;
}

/**
 * The budget during one processing attempt, whose claim already took a try. A retry inside a workflow call takes
 * one more, recorded on the row (`take`) before it runs so a crash cannot hand it back.
 */
export class MessageBudget implements RetryBudget {
  constructor(
    readonly key: string,
    private used: number,
    private readonly startedAt: number,
    private readonly limits: BudgetLimits,
    private readonly take: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tries used so far, this one included. */
  get tries(): number {
    return this.used;
  }

  /** Nothing left for another processing attempt. */
  get spent(): boolean {
    return this.used >= this.limits.attempts || this.now() - this.startedAt >= this.limits.timeMs;
  }

  async tryAgain(afterMs: number): Promise<boolean> {
    if (this.used >= this.limits.attempts || this.now() + afterMs - this.startedAt >= this.limits.timeMs) return false;
    try {
      await this.take();
    } catch {
      return false; // not recorded: leave the retry to the queue
    }
    this.used++;
    return true;
  }
}
