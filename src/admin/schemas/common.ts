import { z } from 'zod';
import { ROLES } from '../auth/principal.js';

/** A point in time as the API writes it (ISO 8601, UTC). */
export const timestamp = z.string().meta({ format: 'date-time' });

export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** Ids in paths are opaque strings: one that matches nothing (or another tenant's) answers 404. */
export const id = z.string().min(1).max(128);

export const roleSchema = z.enum(ROLES).meta({
  description: 'admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals',
});

export const emailSchema = z.email().max(254);

export const tenantParams = z.object({ tenantId: id });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable, machine-readable' }),
      message: z.string(),
      details: z
        .object({
          fields: z
            .array(z.object({ in: z.enum(['body', 'query', 'params']), path: z.string(), code: z.string(), message: z.string(), line: z.number().int().optional() }))
            .optional(),
        })
        .loose()
        .optional(),
    }),
  })
  .meta({ id: 'Error' });
