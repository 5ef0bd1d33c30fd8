import type { Workflow } from '../../generated/sqlite/client.js';
import { secretAad, SecretBoxError, type SecretBox } from '../../crypto/secret-box.js';
import { ConfigError } from '../../errors.js';
import type { WorkflowConfig, WorkflowKind } from '../../core/workflow.js';
import type { Db } from '../client.js';
import { StoreError } from '../errors.js';
import { newId } from '../ids.js';
import { jsonObject, sameJson, toJsonInput } from '../json.js';
import { createOrFetch } from './create-or-fetch.js';
import { maskSecret } from './mask.js';

export const WORKFLOW_KINDS: readonly WorkflowKind[] = ['dify_chat', 'dify_workflow', 'dify_completion', 'http'];
export const RESPONSE_MODES = ['streaming', 'blocking'] as const;
export const WORKFLOW_API_KEY_PURPOSE = 'workflow.apiKey';

export interface WorkflowInput {
  tenantId: string;
  name: string;
  kind: string;
  baseUrl: string;
  /** Plain text; sealed before it is written. */
  apiKey: string;
  inputMapping: Record<string, string>;
  outputSelector: string | null;
  responseMode: string;
  timeoutMs: number;
  settings: Record<string, unknown>;
}

/** A workflow as the console lists it: the key masked. */
export type WorkflowSummary = Omit<WorkflowConfig, 'apiKey'> & { apiKeyMasked: string; createdAt: Date; updatedAt: Date };

export class WorkflowRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Creates or updates the tenant's workflow of that name. `changed` is false when every value (the decrypted key
   * included) is already stored, so re-applying a config is a no-op. A row sealed with an older key is resealed
   * quietly (changed stays false).
   */
  async upsert(input: WorkflowInput): Promise<{ id: string; changed: boolean }> {
    assertWorkflowInput(input);
    const existing = await this.findByName(input.tenantId, input.name);
    if (!existing) {
      const { row, created } = await createOrFetch(
        () => this.db.workflow.create({ data: { id: newId(), ...this.columns(input) } }),
        () => this.findByName(input.tenantId, input.name),
      );
      if (created) return { id: row.id, changed: true };
      return this.updateIfChanged(row, input);
    }
    return this.updateIfChanged(existing, input);
  }

  async getConfig(tenantId: string, id: string): Promise<WorkflowConfig | null> {
    const row = await this.db.workflow.findFirst({ where: { id, tenantId } });
    return row ? this.toConfig(row) : null;
  }

  /** By primary id, for the worker (its job carries ids only). */
  async getConfigForWorker(id: string): Promise<WorkflowConfig | null> {
    const row = await this.db.workflow.findUnique({ where: { id } });
    return row ? this.toConfig(row) : null;
  }

  async list(tenantId: string): Promise<WorkflowSummary[]> {
    const rows = await this.db.workflow.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map((row) => this.toSummary(row));
  }

  /** The workflow as the console shows it (key masked), with its version (updatedAt). */
  async get(tenantId: string, id: string): Promise<WorkflowSummary | null> {
    const row = await this.db.workflow.findFirst({ where: { id, tenantId } });
    return row ? this.toSummary(row) : null;
  }

  /** A new workflow; Prisma's unique violation (P2002) when the tenant has one of that name. */
  async create(input: WorkflowInput): Promise<string> {
    assertWorkflowInput(input);
    const id = newId();
    await this.db.workflow.create({ data: { id, ...this.columns(input) } });
    return id;
  }

  /** Replaces every value if the workflow is still at version `expected`; false when it changed or vanished. */
  async replace(id: string, input: WorkflowInput, expected: Date, next: Date): Promise<boolean> {
    assertWorkflowInput(input);
    const { count } = await this.db.workflow.updateMany({ where: { id, tenantId: input.tenantId, updatedAt: expected }, data: { ...this.columns(input), updatedAt: next } });
    return count === 1;
  }

  async delete(tenantId: string, id: string, expected: Date): Promise<boolean> {
    const { count } = await this.db.workflow.deleteMany({ where: { id, tenantId, updatedAt: expected } });
    return count === 1;
  }

  private toSummary(row: Workflow): WorkflowSummary {
    const { apiKey, ...config } = this.toConfig(row);
    return { ...config, apiKeyMasked: maskSecret(apiKey), createdAt: row.createdAt, updatedAt: row.updatedAt };
  }

  private findByName(tenantId: string, name: string): Promise<Workflow | null> {
    return this.db.workflow.findUnique({ where: { tenantId_name: { tenantId, name } } });
  }

  private async updateIfChanged(row: Workflow, input: WorkflowInput): Promise<{ id: string; changed: boolean }> {
    const current = this.readableConfig(row);
    const changed =
      current === null ||
      current.kind !== input.kind ||
      current.baseUrl !== input.baseUrl ||
      current.apiKey !== input.apiKey ||
      !sameJson(current.inputMapping, input.inputMapping) ||
      current.outputSelector !== input.outputSelector ||
      current.responseMode !== input.responseMode ||
      current.timeoutMs !== input.timeoutMs ||
      !sameJson(current.settings, input.settings);
    if (changed || this.secrets.needsResealing(row.apiKey)) {
      await this.db.workflow.update({ where: { id: row.id }, data: this.columns(input) });
    }
    return { id: row.id, changed };
  }

  /** The stored config, or null when its key no longer opens (lost key ring entry): then upsert rewrites it. */
  private readableConfig(row: Workflow): WorkflowConfig | null {
    try {
      return this.toConfig(row);
    } catch (err) {
      if (err instanceof SecretBoxError) return null;
      throw err;
    }
  }

  private columns(input: WorkflowInput) {
    return {
      tenantId: input.tenantId,
      name: input.name,
      kind: input.kind,
      baseUrl: input.baseUrl,
      apiKey: this.secrets.seal(input.apiKey, secretAad(input.tenantId, WORKFLOW_API_KEY_PURPOSE)),
      inputMapping: toJsonInput(input.inputMapping),
      outputSelector: input.outputSelector,
      responseMode: input.responseMode,
      timeoutMs: input.timeoutMs,
      settings: toJsonInput(input.settings),
    };
  }

  private toConfig(row: Workflow): WorkflowConfig {
    if (!isWorkflowKind(row.kind) || !isResponseMode(row.responseMode)) {
      throw new StoreError('row_invalid', `workflow ${row.id} has kind "${row.kind}" / response mode "${row.responseMode}"`);
    }
    return {
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      kind: row.kind,
      baseUrl: row.baseUrl,
      apiKey: this.secrets.open(row.apiKey, secretAad(row.tenantId, WORKFLOW_API_KEY_PURPOSE)),
      inputMapping: jsonObject(row.inputMapping) as Record<string, string>,
      outputSelector: row.outputSelector,
      responseMode: row.responseMode,
      timeoutMs: row.timeoutMs,
      settings: jsonObject(row.settings),
    };
  }
}

function isWorkflowKind(value: string): value is WorkflowKind {
  return (WORKFLOW_KINDS as readonly string[]).includes(value);
}

function isResponseMode(value: string): value is WorkflowConfig['responseMode'] {
  return (RESPONSE_MODES as readonly string[]).includes(value);
}

function assertWorkflowInput(input: WorkflowInput): void {
  if (!isWorkflowKind(input.kind)) throw new ConfigError(`workflow ${input.name}: kind must be one of ${WORKFLOW_KINDS.join(', ')}`);
  if (!isResponseMode(input.responseMode)) throw new ConfigError(`workflow ${input.name}: responseMode must be streaming or blocking`);
  if (!Number.isInteger(input.timeoutMs) || input.timeoutMs <= 0) throw new ConfigError(`workflow ${input.name}: timeoutMs must be a positive integer`);
}
