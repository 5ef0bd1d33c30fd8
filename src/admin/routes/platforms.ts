import { z } from 'zod';
import { modeGuide } from '../bots/platform-guides.js';
import { credentialsJsonSchema, settingsJsonSchema } from '../bots/platform-schemas.js';
import { defineRoute } from '../route.js';

const platformSchema = z.object({
  platform: z.string(),
  /** Below PUBLIC_BASE_URL; `{botId}` is the bot's id. */
  callbackPathPattern: z.string(),
  modes: z.array(
    z.object({
      mode: z.string(),
      /** One sentence: what this mode is. */
      summary: z.string().nullable(),
      /** Where each value is found in the platform's admin console, in order. */
      steps: z.array(z.string()),
      /** JSON Schema from the adapter's own zod schema; secret fields are writeOnly. */
      credentials: z.record(z.string(), z.unknown()),
      settings: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const listPlatforms = defineRoute({
  method: 'get',
  path: '/platforms',
  operationId: 'listPlatforms',
  summary: 'Every platform and mode of this build: what it is, setup steps, credential and settings fields as JSON Schema (secrets writeOnly)',
  tag: 'platforms',
  access: { kind: 'user' },
  response: z.object({ items: z.array(platformSchema) }),
  async handler({ deps }) {
    return {
      items: deps.adapters.list().map((adapter) => ({
        platform: adapter.platform,
        callbackPathPattern: `/hooks/${adapter.platform}/{botId}`,
        modes: adapter.modes.map((mode) => {
          const guide = modeGuide(adapter.platform, mode);
          return { mode, summary: guide?.summary ?? null, steps: guide?.steps ?? [], credentials: credentialsJsonSchema(adapter, mode), settings: settingsJsonSchema(adapter, mode) };
        }),
      })),
    };
  },
});

export const PLATFORM_ROUTES = [listPlatforms];
