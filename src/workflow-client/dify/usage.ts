import type { WorkflowUsage } from '../types.js';
import { isRecord } from '../http-body.js';

/** A token count as Dify wrote it (number or numeric string); anything else is unknown. */
function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * Dify's `metadata.usage` → WorkflowUsage; the price stays a string, exactly as Dify wrote it. A count Dify left out
 * (its docs' own examples often give only `total_tokens`) stays undefined: unknown is not zero.
 */
export function usageFromDify(usage: unknown): WorkflowUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const result: WorkflowUsage = {};
  const counts: Array<[keyof Pick<WorkflowUsage, 'promptTokens' | 'completionTokens' | 'totalTokens'>, unknown]> = [
    ['promptTokens', usage.prompt_tokens],
    ['completionTokens', usage.completion_tokens],
    ['totalTokens', usage.total_tokens],
  ];
  for (const [key, value] of counts) {
    const n = count(value);
    if (n !== undefined) result[key] = n;
  }
  if (typeof usage.total_price === 'string' || typeof usage.total_price === 'number') result.totalPrice = String(usage.total_price);
  if (typeof usage.currency === 'string') result.currency = usage.currency;
  return result;
}

/** Workflow apps without a usage block: only the total is known. */
export function usageFromTotalTokens(totalTokens: unknown): WorkflowUsage | undefined {
  const total = count(totalTokens);
  return total === undefined ? undefined : { totalTokens: total };
}
