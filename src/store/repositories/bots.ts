import type { Bot } from '../../generated/sqlite/client.js';
import type { BotRuntime } from '../../core/bot.js';
import { PLATFORMS, type Platform } from '../../core/platform.js';
import { secretAad, SecretBoxError, type SecretBox } from '../../crypto/secret-box.js';
import { ConfigError } from '../../errors.js';
import type { Db } from '../client.js';
import { StoreError } from '../errors.js';
import { newId } from '../ids.js';
import { jsonObject, sameJson, toJsonInput } from '../json.js';
import { createOrFetch } from './create-or-fetch.js';
import { maskSecrets } from './mask.js';

export const BOT_CREDENTIALS_PURPOSE = 'bot.credentials';
export const APPROVAL_POLICIES = ['none', 'always'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export interface BotInput {
  /** Pins the id of a new bot (declarative config keeps hook URLs stable); must match when the bot exists. */
  id?: string;
  tenantId: string;
  name: string;
  platform: string;
  mode: string;
  /** Plain values; sealed as one JSON document before they are written. */
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  enabled: boolean;
  workflowId: string | null;
  approvalPolicy: string;
}

/** A bot at runtime (credentials decrypted) plus what the pipeline needs beyond the adapters' view. */
export interface BotRecord extends BotRuntime {
  approvalPolicy: ApprovalPolicy;
  updatedAt: Date;
}

/** A bot as the console lists it: every credential masked. */
export type BotSummary = Omit<BotRecord, 'credentials'> & { credentialsMasked: Record<string, string>; createdAt: Date };

export class BotRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  /** Creates or updates the tenant's bot of that name; `changed` compares decrypted credentials. */
  async upsert(input: BotInput): Promise<{ id: string; changed: boolean }> {
    assertBotInput(input);
    await this.assertWorkflowOfTenant(input);
    const existing = await this.findByName(input.tenantId, input.name);
    if (existing) return this.updateIfChanged(existing, input);
    const { row, created } = await createOrFetch(
      () => this.db.bot.create({ data: { id: input.id ?? newId(), ...this.columns(input) } }),
      () => this.findByName(input.tenantId, input.name),
    );
    return created ? { id: row.id, changed: true } : this.updateIfChanged(row, input);
  }

  /** By primary id, for ingress and the worker. Disabled bots are returned too (enabled: false). */
  async getRuntime(id: string): Promise<BotRecord | null> {
    const row = await this.db.bot.findUnique({ where: { id } });
    return row ? this.toRecord(row) : null;
  }

  /** Every enabled bot of every tenant: long-lived connections (Socket Mode, Stream) start from this. */
  async listEnabled(): Promise<BotRecord[]> {
    const rows = await this.db.bot.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
    return rows.map((row) => this.toRecord(row));
  }

  async get(tenantId: string, id: string): Promise<BotSummary | null> {
    const row = await this.db.bot.findFirst({ where: { id, tenantId } });
    return row ? this.toSummary(row) : null;
  }

  async list(tenantId: string): Promise<BotSummary[]> {
    const rows = await this.db.bot.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map((row) => this.toSummary(row));
  }

  /** The bot with its credentials in clear, for an update that keeps masked values; never sent to a caller as is. */
  async getRecord(tenantId: string, id: string): Promise<(BotRecord & { createdAt: Date }) | null> {
    const row = await this.db.bot.findFirst({ where: { id, tenantId } });
    return row ? { ...this.toRecord(row), createdAt: row.createdAt } : null;
  }

  /** The tenant's bots with their credentials in clear (for the admin API to mask field by field), by name. */
  async listRecords(tenantId: string): Promise<(BotRecord & { createdAt: Date })[]> {
    const rows = await this.db.bot.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map((row) => ({ ...this.toRecord(row), createdAt: row.createdAt }));
  }

  /** A new bot (its id is made here); Prisma's unique violation (P2002) when the tenant has a bot of that name. */
  async create(input: BotInput): Promise<string> {
    assertBotInput(input);
    await this.assertWorkflowOfTenant(input);
    const id = input.id ?? newId();
    await this.db.bot.create({ data: { id, ...this.columns(input) } });
    return id;
  }

  /**
   * Replaces every value of the bot if it is still at version `expected` (its updatedAt), writing `next` as the new
   * version; false when it changed or vanished meanwhile.
   */
  async replace(id: string, input: BotInput, expected: Date, next: Date): Promise<boolean> {
    assertBotInput(input);
    await this.assertWorkflowOfTenant(input);
    const { count } = await this.db.bot.updateMany({ where: { id, tenantId: input.tenantId, updatedAt: expected }, data: { ...this.columns(input), updatedAt: next } });
    return count === 1;
  }

  async delete(tenantId: string, id: string, expected: Date): Promise<boolean> {
    const { count } = await this.db.bot.deleteMany({ where: { id, tenantId, updatedAt: expected } });
    return count === 1;
  }

  /** The tenant's bots bound to a workflow. */
  listByWorkflow(tenantId: string, workflowId: string): Promise<{ id: string; name: string }[]> {
    return this.db.bot.findMany({ where: { tenantId, workflowId }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
  }

  /** A bot may only run a workflow of its own tenant. */
  private async assertWorkflowOfTenant(input: BotInput): Promise<void> {
    if (input.workflowId === null) return;
    const found = await this.db.workflow.count({ where: { id: input.workflowId, tenantId: input.tenantId } });
    if (found === 0) throw new ConfigError(`bot ${input.name}: workflow ${input.workflowId} not found in this tenant`);
  }

  private findByName(tenantId: string, name: string): Promise<Bot | null> {
    return this.db.bot.findUnique({ where: { tenantId_name: { tenantId, name } } });
  }

  private async updateIfChanged(row: Bot, input: BotInput): Promise<{ id: string; changed: boolean }> {
    if (input.id !== undefined && input.id !== row.id) {
      throw new StoreError('id_conflict', `bot ${input.name} exists with id ${row.id}, not ${input.id}`, { status: 409 });
    }
    const current = this.readableRecord(row);
    const changed =
      current === null ||
      current.platform !== input.platform ||
      current.mode !== input.mode ||
      !sameJson(current.credentials, input.credentials) ||
      !sameJson(current.settings, input.settings) ||
      current.enabled !== input.enabled ||
      current.workflowId !== input.workflowId ||
      current.approvalPolicy !== input.approvalPolicy;
    if (changed || this.secrets.needsResealing(row.credentials)) {
      await this.db.bot.update({ where: { id: row.id }, data: this.columns(input) });
    }
    return { id: row.id, changed };
  }

  /** The stored bot, or null when its credentials no longer open (lost key ring entry): then upsert rewrites them. */
  private readableRecord(row: Bot): BotRecord | null {
    try {
      return this.toRecord(row);
    } catch (err) {
      if (err instanceof SecretBoxError) return null;
      throw err;
    }
  }

  private columns(input: BotInput) {
    return {
      tenantId: input.tenantId,
      name: input.name,
      platform: input.platform,
      mode: input.mode,
      credentials: this.secrets.seal(JSON.stringify(input.credentials), secretAad(input.tenantId, BOT_CREDENTIALS_PURPOSE)),
      settings: toJsonInput(input.settings),
      enabled: input.enabled,
      workflowId: input.workflowId,
      approvalPolicy: input.approvalPolicy,
    };
  }

  private toRecord(row: Bot): BotRecord {
    if (!isPlatform(row.platform) || !isApprovalPolicy(row.approvalPolicy)) {
      throw new StoreError('row_invalid', `bot ${row.id} has platform "${row.platform}" / approval policy "${row.approvalPolicy}"`);
    }
    const credentials = JSON.parse(this.secrets.open(row.credentials, secretAad(row.tenantId, BOT_CREDENTIALS_PURPOSE))) as Record<string, string>;
    return {
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      platform: row.platform,
      mode: row.mode,
      credentials,
      settings: jsonObject(row.settings),
      enabled: row.enabled,
      workflowId: row.workflowId,
      approvalPolicy: row.approvalPolicy,
      updatedAt: row.updatedAt,
    };
  }

  private toSummary(row: Bot): BotSummary {
    const { credentials, ...rest } = this.toRecord(row);
    return { ...rest, credentialsMasked: maskSecrets(credentials), createdAt: row.createdAt };
  }
}

function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

function isApprovalPolicy(value: string): value is ApprovalPolicy {
  return (APPROVAL_POLICIES as readonly string[]).includes(value);
}

function assertBotInput(input: BotInput): void {
  if (!isPlatform(input.platform)) throw new ConfigError(`bot ${input.name}: platform must be one of ${PLATFORMS.join(', ')}`);
  if (!isApprovalPolicy(input.approvalPolicy)) throw new ConfigError(`bot ${input.name}: approvalPolicy must be none or always`);
}
