import type { Run } from '../../generated/sqlite/client.js';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { toNullableJsonInput } from '../json.js';

export type { Run };

export interface RunStart {
  tenantId: string;
  messageId: string;
  workflowId: string | null;
  attempt: number;
  inputs: unknown;
}

export interface RunSuccess {
  answer: string;
  /** Reply files without their bytes (name, mime, url, kind). */
  files?: unknown;
  promptTokens?: number | null;
  completionTokens?: number | null;
  totalTokens?: number | null;
  totalPrice?: string | null;
  currency?: string | null;
  latencyMs?: number | null;
  providerTaskId?: string | null;
  providerMessageId?: string | null;
  workflowRunId?: string | null;
  workflowConversationId?: string | null;
  humanInput?: unknown;
  /** paused: the workflow waits for human input. */
  status?: 'succeeded' | 'paused';
}

/** Statuses of a run whose answer may be delivered without running the workflow again. */
const FINISHED_OK = ['succeeded', 'paused'];

export class RunRepository {
  constructor(private readonly db: Db) {}

  async start(input: RunStart): Promise<string> {
    const id = newId();
    await this.db.run.create({
      data: {
        id,
        tenantId: input.tenantId,
        messageId: input.messageId,
        workflowId: input.workflowId,
        attempt: input.attempt,
        status: 'running',
        inputs: toNullableJsonInput(input.inputs),
      },
    });
    return id;
  }

  async succeed(id: string, result: RunSuccess): Promise<void> {
    await this.db.run.update({
      where: { id },
      data: {
        status: result.status ?? 'succeeded',
        answer: result.answer,
        files: toNullableJsonInput(result.files),
        promptTokens: result.promptTokens ?? null,
        completionTokens: result.completionTokens ?? null,
        totalTokens: result.totalTokens ?? null,
        totalPrice: result.totalPrice ?? null,
        currency: result.currency ?? null,
        latencyMs: result.latencyMs ?? null,
        providerTaskId: result.providerTaskId ?? null,
        providerMessageId: result.providerMessageId ?? null,
        workflowRunId: result.workflowRunId ?? null,
        workflowConversationId: result.workflowConversationId ?? null,
        humanInput: toNullableJsonInput(result.humanInput),
        finishedAt: new Date(),
      },
    });
  }

  async fail(id: string, input: { errorCode: string; error: string }): Promise<void> {
    await this.db.run.update({ where: { id }, data: { status: 'failed', errorCode: input.errorCode, error: input.error, finishedAt: new Date() } });
  }

  /** The latest run of the message that succeeded (or paused for human input): its answer can be sent again. */
  findSucceededForWorker(messageId: string): Promise<Run | null> {
    return this.db.run.findFirst({ where: { messageId, status: { in: FINISHED_OK } }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
  }

  listForMessage(tenantId: string, messageId: string): Promise<Run[]> {
    return this.db.run.findMany({ where: { tenantId, messageId }, orderBy: { id: 'asc' } });
  }
}
