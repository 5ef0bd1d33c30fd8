import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../client.js';
import { ApiTokenRepository } from './api-tokens.js';
import { ApprovalRepository } from './approvals.js';
import { AuditRepository } from './audit.js';
import { BotRepository } from './bots.js';
import { ConversationRepository } from './conversations.js';
import { DeliveryRepository } from './deliveries.js';
import { MembershipRepository } from './memberships.js';
import { MessageLogRepository } from './message-log.js';
import { MessageRepository } from './messages.js';
import { RunRepository } from './runs.js';
import { SessionRepository } from './sessions.js';
import { TenantRepository } from './tenants.js';
import { UsageRepository } from './usage.js';
import { UserRepository } from './users.js';
import { WorkflowRepository } from './workflows.js';

export interface Repositories {
  tenants: TenantRepository;
  workflows: WorkflowRepository;
  bots: BotRepository;
  messages: MessageRepository;
  /** The operators' message search and replay. */
  messageLog: MessageLogRepository;
  usage: UsageRepository;
  conversations: ConversationRepository;
  runs: RunRepository;
  deliveries: DeliveryRepository;
  approvals: ApprovalRepository;
  users: UserRepository;
  memberships: MembershipRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  apiTokens: ApiTokenRepository;
}

export function createRepositories(database: Pick<Database, 'db' | 'provider' | 'sqliteWriter'>, secrets: SecretBox): Repositories {
  const { db } = database;
  return {
    tenants: new TenantRepository(db),
    workflows: new WorkflowRepository(db, secrets),
    bots: new BotRepository(db, secrets),
    messages: new MessageRepository(db, database.provider, database.sqliteWriter),
    messageLog: new MessageLogRepository(db, database.provider),
    usage: new UsageRepository(db, database.provider),
    conversations: new ConversationRepository(db),
    runs: new RunRepository(db),
    deliveries: new DeliveryRepository(db),
    approvals: new ApprovalRepository(db),
    users: new UserRepository(db),
    memberships: new MembershipRepository(db),
    sessions: new SessionRepository(db),
    audit: new AuditRepository(db),
    apiTokens: new ApiTokenRepository(db),
  };
}
