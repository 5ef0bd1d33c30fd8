import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// verify, decode and normalize are pure: no I/O, no queue/store/sender code, no Bolt.
const PURE = ['verify.ts', 'decode.ts', 'normalize.ts', 'render.ts', 'manifest.ts'];
const FORBIDDEN = [/store\//, /queue\//, /pipeline\//, /sender/, /web-api/, /stream/, /@slack\//, /node:(fs|net|http|https|dgram|child_process)/, /files\.js/];

describe('pure Slack modules', () => {
  it.each(PURE)('%s imports no I/O code', (file) => {
    const src = readFileSync(new URL(`../../../../src/adapters/slack/${file}`, import.meta.url), 'utf8');
    const imports = [...src.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1] ?? '');
    for (const spec of imports) for (const bad of FORBIDDEN) expect(spec).not.toMatch(bad);
  });
});
