import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBuildWarning } from '../../../src/lifecycle/build-freshness.js';

describe('staleBuildWarning', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A checkout with src/ and a dist/ built at `builtAt` (seconds); returns the built module's URL. */
  function checkout(builtAt: number, sources: Record<string, number>): string {
    const root = mkdtempSync(join(tmpdir(), 'switchboard-build-'));
    dirs.push(root);
    mkdirSync(join(root, 'dist', 'lifecycle'), { recursive: true });
    for (const [file, at] of Object.entries(sources)) {
      mkdirSync(join(root, 'src', file, '..'), { recursive: true });
      writeFileSync(join(root, 'src', file), '');
      utimesSync(join(root, 'src', file), at, at);
    }
    writeFileSync(join(root, 'dist', 'cli.js'), '');
    utimesSync(join(root, 'dist', 'cli.js'), builtAt, builtAt);
    return pathToFileURL(join(root, 'dist', 'lifecycle', 'build-freshness.js')).href;
  }

  it('says nothing when the build is newer than every source', () => {
    expect(staleBuildWarning(checkout(2000, { 'cli.ts': 1000, 'server/app.ts': 1500 }))).toBeUndefined();
  });

  it('names a source changed after the build and the command that fixes it', () => {
    const warning = staleBuildWarning(checkout(2000, { 'cli.ts': 1000, 'server/app.ts': 3000 }));
    expect(warning).toBe('switchboard: src/server/app.ts changed after dist/ was built: run "npm run build" to serve the change');
  });

  it('says nothing when running the sources, or when there are no sources (an installed package)', () => {
    expect(staleBuildWarning(import.meta.url)).toBeUndefined();
    const url = checkout(2000, {});
    expect(staleBuildWarning(url)).toBeUndefined();
  });
});
