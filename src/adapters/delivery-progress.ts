import type { DeliveredPart, DeliveryProgress } from './types.js';

export type DeliveredParts = Record<string, DeliveredPart>;

/**
 * A delivery's progress: the parts earlier attempts delivered, plus those this attempt records, each handed to
 * `save` (the pipeline persists them on the Delivery row) before the sender goes on. Without `save` it only
 * remembers, which is what a single send without a retry needs.
 */
export class DeliveryLog implements DeliveryProgress {
  private readonly parts: Map<string, DeliveredPart>;

  constructor(
    initial: DeliveredParts = {},
    private readonly save?: (parts: DeliveredParts) => Promise<void>,
  ) {
    this.parts = new Map(Object.entries(initial));
  }

  get(part: string): DeliveredPart | undefined {
    return this.parts.get(part);
  }

  async record(part: string, delivered: DeliveredPart): Promise<void> {
    this.parts.set(part, delivered);
    await this.save?.(this.snapshot());
  }

  snapshot(): DeliveredParts {
    return Object.fromEntries(this.parts);
  }

  /** Some of the answer's text reached the user: from then on the message must not end with the fallback. */
  get textDelivered(): boolean {
    return [...this.parts.values()].some((p) => p.text === true);
  }

  get warnings(): string[] {
    return [...this.parts.values()].flatMap((p) => (p.warning ? [p.warning] : []));
  }
}

/** What sending one part put on the platform: the id it created (if the platform gives one), and any warning. */
export interface PartOutcome {
  id?: string;
  warning?: string;
}

/**
 * Sends one part unless an earlier attempt delivered it, and records it (awaited) before returning: the ids the part
 * created, then or earlier. `text` marks a part that carries the answer's text.
 */
export async function deliverPart(progress: DeliveryProgress, part: string, send: () => Promise<PartOutcome>, opts: { text?: boolean } = {}): Promise<string[]> {
  const done = progress.get(part);
  if (done) return done.ids ?? [];
  const { id, warning } = await send();
  const ids = id ? [id] : [];
  await progress.record(part, { ...(opts.text ? { text: true } : {}), ids, ...(warning ? { warning } : {}) });
  return ids;
}

/** The parts stored as JSON (a Delivery row's `progress`); anything malformed reads as not delivered. */
export function parseDeliveredParts(json: unknown): DeliveredParts {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  const out: DeliveredParts = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    const part: DeliveredPart = {};
    if (v.text === true) part.text = true;
    if (Array.isArray(v.ids)) part.ids = v.ids.filter((id): id is string => typeof id === 'string');
    if (v.data && typeof v.data === 'object' && !Array.isArray(v.data)) part.data = v.data as Record<string, unknown>;
    if (typeof v.warning === 'string') part.warning = v.warning;
    out[name] = part;
  }
  return out;
}
