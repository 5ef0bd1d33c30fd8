import { describe, expect, it } from 'vitest';
import { budgetSpent, MessageBudget } from '../../../src/pipeline/retry-budget.js';

const limits = { attempts: 3, timeMs: 10_000 };

describe('budgetSpent (before a processing attempt)', () => {
  it('is spent when the tries are used up or the time since the first try is over', () => {
    const first = new Date(1_000_000);
    expect(budgetSpent({ attempts: 0, firstAttemptAt: null }, limits, 5_000_000)).toBe(false);
    expect(budgetSpent({ attempts: 2, firstAttemptAt: first }, limits, 1_009_999)).toBe(false);
    expect(budgetSpent({ attempts: 3, firstAttemptAt: first }, limits, 1_000_001)).toBe(true);
    expect(budgetSpent({ attempts: 1, firstAttemptAt: first }, limits, 1_010_000)).toBe(true);
  });
});

describe('MessageBudget (during one)', () => {
  it('grants retries while tries and time remain, recording each before it runs', async () => {
    const taken: number[] = [];
    const budget = new MessageBudget('m-1', 1, 0, limits, async () => void taken.push(1), () => 0);
    expect(budget.key).toBe('m-1');
    expect(await budget.tryAgain(100)).toBe(true);
    expect(budget.spent).toBe(false);
    expect(await budget.tryAgain(100)).toBe(true);
    expect(budget.spent).toBe(true);
    expect(await budget.tryAgain(100)).toBe(false);
    expect(taken).toHaveLength(2);
  });

  it('refuses a retry whose backoff would end past the time budget', async () => {
    const budget = new MessageBudget('m-2', 1, 0, limits, async () => undefined, () => 9_000);
    expect(await budget.tryAgain(999)).toBe(true);
    expect(await budget.tryAgain(1_000)).toBe(false);
  });

  it('refuses a retry it could not record (the queue retries later instead)', async () => {
    const budget = new MessageBudget('m-3', 1, 0, limits, async () => Promise.reject(new Error('database down')), () => 0);
    expect(await budget.tryAgain(10)).toBe(false);
    expect(budget.spent).toBe(false);
  });
});
