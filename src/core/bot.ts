import type { Platform } from './platform.js';

export type BotSettings = Record<string, unknown>;

/** A bot as adapters see it at runtime: credentials decrypted, never logged. */
export interface BotRuntime {
  id: string;
  tenantId: string;
  name: string;
  platform: Platform;
  mode: string;
  credentials: Record<string, string>;
  settings: BotSettings;
  enabled: boolean;
  workflowId: string | null;
  /** none: reply at once; always: hold the answer as a draft for a human. @defaultValue 'none' */
  approvalPolicy?: 'none' | 'always';
}
