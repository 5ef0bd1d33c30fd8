import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findViolations, importsOf, readSources, type LayerRules } from '../../support/import-graph.js';

/**
 * What each folder of src/ may import (besides itself); docs/architecture.md shows the same table. Dependencies point
 * one way: core at the bottom, the composition root (main, cli) at the top.
 */
const RULES: LayerRules = {
  core: [],
  crypto: ['core'],
  observability: ['core'],
  egress: ['core'],
  store: ['core', 'crypto', 'observability', 'generated'],
  queue: ['core', 'observability'],
  'workflow-client': ['core', 'observability', 'egress'],
  adapters: ['core', 'crypto', 'observability', 'egress', { layer: 'store', only: ['store/kv.ts'] }],
  pipeline: ['core', 'observability', 'store', 'queue', 'workflow-client', 'adapters'],
  config: ['core', 'observability', 'egress', 'store', 'workflow-client', 'adapters'],
  server: ['core', 'crypto', 'observability', 'adapters', 'pipeline'],
  admin: ['core', 'crypto', 'observability', 'egress', 'store', 'queue', 'workflow-client', 'adapters', 'pipeline', 'config', 'server'],
  // shutdown.ts names the runtime it stops; the runtime itself is built by main.
  lifecycle: ['core', 'observability', 'store', 'queue', 'config', { layer: 'main', typesOnly: true }],
  main: ['core', 'crypto', 'observability', 'egress', 'store', 'queue', 'workflow-client', 'adapters', 'pipeline', 'config', 'server', 'admin', 'lifecycle'],
  cli: ['core', 'crypto', 'observability', 'egress', 'store', 'queue', 'workflow-client', 'adapters', 'pipeline', 'config', 'server', 'admin', 'lifecycle', 'main'],
};

/** Files at the root of src/ and the layer each belongs to. errors.ts is core, kept at its path (imported everywhere). */
const ROOT_FILES = { 'errors.ts': 'core', 'main.ts': 'main', 'cli.ts': 'cli' };

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
const DOC = fileURLToPath(new URL('../../../docs/architecture.md', import.meta.url));

describe('import graph of src/', () => {
  it('follows the layer rules', () => {
    // generated/ is Prisma's output: only store/ imports it, and its own imports are not ours.
    const violations = findViolations(readSources(SRC, ['generated']), RULES, ROOT_FILES);
    expect(violations, `forbidden imports:\n${violations.join('\n')}`).toEqual([]);
  });

  it('reports a forbidden import as from → to, whichever way it is written', () => {
    const files = [
      { path: 'core/retry.ts', text: "import { logger } from '../observability/logger.js';" },
      { path: 'store/kv.ts', text: "export type { BotRuntime } from '../adapters/types.js';" },
      { path: 'workflow-client/create.ts', text: "const m = await import('../pipeline/processor.js');" },
      { path: 'adapters/token-cache.ts', text: "import { openDb } from '../store/client.js';\nimport { kv } from '../store/kv.js';" },
      { path: 'lifecycle/shutdown.ts', text: "import { startWeb } from '../main.js';\nimport type { Runtime } from '../main.js';" },
      { path: 'queue/bullmq.ts', text: "import { AppError } from '../errors.js';\nimport { x } from '../../test/support/doubles.js';" },
      { path: 'plugins/x.ts', text: '' },
    ];
    expect(findViolations(files, RULES, ROOT_FILES)).toEqual([
      'src/core/retry.ts → src/observability/logger.ts (core may not import observability)',
      'src/store/kv.ts → src/adapters/types.ts (store may not import adapters)',
      'src/workflow-client/create.ts → src/pipeline/processor.ts (workflow-client may not import pipeline)',
      'src/adapters/token-cache.ts → src/store/client.ts (adapters may import only store/kv.ts of store)',
      'src/lifecycle/shutdown.ts → src/main.ts (lifecycle may import only types from main)',
      'src/queue/bullmq.ts → ../../test/support/doubles.js (leaves src/)',
      'src/plugins/x.ts: "plugins" has no row in the layer rules',
    ]);
  });

  it('tells type-only imports from value imports', () => {
    const refs = importsOf(
      'x.ts',
      [
        "import type { A } from './a.js';",
        "import { type B, type C } from './b.js';",
        "import { type D, e } from './d.js';",
        "import './side-effect.js';",
        "export type { F } from './f.js';",
        "export { g } from './g.js';",
        "type H = import('./h.js').H;",
      ].join('\n'),
    );
    expect(refs).toEqual([
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: true },
      { specifier: './d.js', typeOnly: false },
      { specifier: './side-effect.js', typeOnly: false },
      { specifier: './f.js', typeOnly: true },
      { specifier: './g.js', typeOnly: false },
      { specifier: './h.js', typeOnly: true },
    ]);
  });

  it('is the table docs/architecture.md shows', () => {
    const section = readFileSync(DOC, 'utf8').split('## Folders and what each may import')[1]?.split('\n## ')[0] ?? '';
    const documented: Record<string, string[]> = {};
    for (const row of section.matchAll(/^\| `([\w-]+)(?:\/|\.ts)`[^|]*\| ([^|]*) \|$/gm)) {
      const targets = [...(row[2] ?? '').matchAll(/`([\w-]+)(?:\/[\w./-]*|\.ts)`/g)].map((m) => m[1] ?? '');
      documented[row[1] ?? ''] = [...new Set(targets)].sort();
    }
    const expected = Object.fromEntries(
      Object.entries(RULES).map(([layer, allowed]) => [layer, allowed.map((a) => (typeof a === 'string' ? a : a.layer)).sort()]),
    );
    expect(documented).toEqual(expected);
  });
});
