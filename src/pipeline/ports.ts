/**
 * What the pipeline needs from storage, stated as narrow interfaces. The Prisma repositories in src/store implement
 * them (the row shapes are theirs); the pipeline never imports Prisma.
 */
import type { BotRuntime } from '../adapters/types.js';
import type { InsertedMessage, InsertOptions, MessageStatus, NewMessage, StatusUpdate } from '../store/repositories/messages.js';
import type { RunSuccess } from '../store/repositories/runs.js';
import type { WorkflowConfig } from '../workflow-client/types.js';

export type { InsertedMessage, InsertOptions, MessageStatus, NewMessage, RunSuccess, StatusUpdate };

export interface StoredMessage {
  id: string;
  tenantId: string;
  botId: string;
  platform: string;
  platformMessageId: string;
  conversationKey: string;
  senderId: string;
  senderName: string | null;
  text: string;
  payload: unknown;
  status: string;
  /** Tries taken from the retry budget so far; `firstAttemptAt` is when the first began. */
  attempts: number;
  firstAttemptAt: Date | null;
  errorCode: string | null;
  lastError: string | null;
  traceId: string | null;
  receivedAt: Date;
}

export interface MessageStore {
  insertBatch(rows: NewMessage[], opts?: InsertOptions): Promise<InsertedMessage[]>;
  getForWorker(id: string): Promise<StoredMessage | null>;
  claimForWorker(id: string, from: string[], to: string, opts?: { firstAttemptAt?: Date }): Promise<boolean>;
  addAttempt(id: string): Promise<void>;
  setStatusForWorker(id: string, status: MessageStatus, update?: StatusUpdate): Promise<void>;
  isHeadOfConversation(conversationKey: string, id: string): Promise<boolean>;
  nextQueuedInConversation(conversationKey: string, afterId: string): Promise<string | null>;
  /** Oldest first; `afterId` pages on. */
  findIdsByStatus(statuses: string[], opts: { updatedBefore?: Date; limit: number; afterId?: string }): Promise<string[]>;
}

export interface ConversationRow {
  id: string;
  workflowConversationId: string | null;
}

export interface ConversationStore {
  upsert(input: {
    tenantId: string;
    botId: string;
    platformConversationId: string;
    threadKey: string;
    type: string;
  }): Promise<ConversationRow>;
  acquireLock(id: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLock(id: string, owner: string): Promise<void>;
  /** Sole-worker start only: frees locks left by a process that died. */
  releaseAllLocks(): Promise<number>;
  setWorkflowConversationId(tenantId: string, id: string, value: string | null): Promise<void>;
}

export interface StoredRun {
  id: string;
  status: string;
  answer: string | null;
  files: unknown;
  totalTokens: number | null;
  totalPrice: string | null;
  currency: string | null;
}

export interface RunStore {
  start(input: { tenantId: string; messageId: string; workflowId: string | null; attempt: number; inputs: unknown }): Promise<string>;
  succeed(id: string, result: RunSuccess): Promise<void>;
  fail(id: string, input: { errorCode: string; error: string }): Promise<void>;
  findSucceededForWorker(messageId: string): Promise<StoredRun | null>;
}

export type DeliveryKind = 'reply' | 'fallback' | 'notice';

export interface DeliveryStore {
  /** `progress`: the delivered parts an earlier attempt left (see progressOf), carried onto this attempt's row. */
  start(input: { tenantId: string; messageId: string; runId: string | null; kind: DeliveryKind; progress?: unknown }): Promise<string>;
  recordProgress(id: string, progress: unknown): Promise<void>;
  progressOf(messageId: string, kind: DeliveryKind): Promise<unknown>;
  markSent(id: string, input: { platformMessageId: string; ref: unknown }): Promise<void>;
  markFailed(id: string, input: { errorCode: string; error: string }): Promise<void>;
  findSentForWorker(messageId: string, kind: DeliveryKind): Promise<{ id: string } | null>;
}

export interface ApprovalStore {
  create(input: { tenantId: string; messageId: string; runId: string | null; draft: string }): Promise<{ id: string }>;
}

export interface BotStore {
  getRuntime(id: string): Promise<BotRuntime | null>;
  listEnabled(): Promise<BotRuntime[]>;
}

export interface WorkflowStore {
  getConfigForWorker(id: string): Promise<WorkflowConfig | null>;
}

export interface PipelineStores {
  messages: MessageStore;
  conversations: ConversationStore;
  runs: RunStore;
  deliveries: DeliveryStore;
  approvals: ApprovalStore;
  bots: BotStore;
  workflows: WorkflowStore;
}
