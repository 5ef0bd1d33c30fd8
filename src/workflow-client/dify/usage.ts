import type { WorkflowUsage } from '../types.js';
import { isRecord } from '../http-body.js';

function count(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

/** Dify's `metadata.usage` → WorkflowUsage; the price stays a string, exactly as Dify wrote it. */
export function usageFromDify(usage: unknown): WorkflowUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const result: WorkflowUsage = {
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    totalTokens: count(usage.total_tokens),
  };
  if (typeof usage.total_price === 'string' || typeof usage.total_price === 'number') result.totalPrice = String(usage.total_price);
  if (typeof usage.currency === 'string') result.currency = usage.currency;
  return result;
}

/** Workflow apps without a usage block: only the total is known. */
export function usageFromTotalTokens(totalTokens: unknown): WorkflowUsage | undefined {
  if (totalTokens === undefined || totalTokens === null) return undefined;
  return { promptTokens: 0, completionTokens: 0, totalTokens: count(totalTokens) };
}
