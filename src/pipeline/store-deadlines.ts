import { withDeadlines } from '../store/deadline.js';
import type { PipelineStores } from './ports.js';

/**
 * The worker's stores with a deadline on every call (see withDeadlines): a database that stops answering fails the
 * job, which retries later, instead of holding it forever. `onFailure` hears of every call that failed or timed out.
 */
export function withStoreDeadlines(stores: PipelineStores, timeoutMs: number, onFailure: () => void): PipelineStores {
  const hooks = { settled: (err: unknown) => err !== undefined && onFailure() };
  const guard = <T extends object>(store: T, name: string) => withDeadlines(store, timeoutMs, name, hooks);
  return {
    messages: guard(stores.messages, 'messages'),
    conversations: guard(stores.conversations, 'conversations'),
    runs: guard(stores.runs, 'runs'),
    deliveries: guard(stores.deliveries, 'deliveries'),
    approvals: guard(stores.approvals, 'approvals'),
    bots: guard(stores.bots, 'bots'),
    workflows: guard(stores.workflows, 'workflows'),
  };
}
