export { createRepositories, type Repositories } from './create.js';
export { ApiTokenRepository, type ApiToken } from './api-tokens.js';
export { ApprovalRepository, type Approval, type ApprovalDecision } from './approvals.js';
export { AuditRepository, type AuditEntry, type AuditLog } from './audit.js';
export { BotRepository, type ApprovalPolicy, type BotInput, type BotRecord, type BotSummary } from './bots.js';
export { ConversationRepository, type Conversation, type ConversationKey } from './conversations.js';
export { DeliveryRepository, type Delivery, type DeliveryKind } from './deliveries.js';
export { MembershipRepository, type Membership, type Role } from './memberships.js';
export {
  MessageRepository,
  type InsertedMessage,
  type InsertOptions,
  type Message,
  type MessagePage,
  type MessageStatus,
  type NewMessage,
  type StatusUpdate,
} from './messages.js';
export { MessageLogRepository, type MessageSearch, type ReplayOutcome } from './message-log.js';
export { formatCost, UsageRepository, type UsageRange, type UsageRow } from './usage.js';
export { RunRepository, type Run, type RunStart, type RunSuccess } from './runs.js';
export { SessionRepository, type Session } from './sessions.js';
export { TenantRepository, type Tenant } from './tenants.js';
export { UserRepository, type User } from './users.js';
export { WorkflowRepository, type WorkflowInput, type WorkflowSummary } from './workflows.js';
