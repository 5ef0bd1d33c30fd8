/**
 * `npm start` runs the built server (dist/) without compiling first: the build happens at `npm install` (prepare)
 * and with `npm run build`. So that an edit or a `git pull` is not silently ignored, a built CLI started in a
 * checkout whose src/ changed after the build says so, naming one changed file. Nothing is rebuilt on the fly: a
 * rebuild takes up to a minute and can fail, neither of which belongs in a start (`npm run dev` runs from src/).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A one-line warning when this process runs from dist/ and a file under src/ is newer than the build, else undefined. */
export function staleBuildWarning(moduleUrl: string = import.meta.url): string | undefined {
  const here = fileURLToPath(moduleUrl);
  const distRoot = dirname(dirname(here));
  if (basename(distRoot) !== 'dist') return undefined; // running the sources
  const root = dirname(distRoot);
  let builtAt: number;
  try {
    builtAt = statSync(join(distRoot, 'cli.js')).mtimeMs;
  } catch {
    return undefined;
  }
  const changed = newerFile(join(root, 'src'), builtAt);
  if (!changed) return undefined;
  return `switchboard: ${relative(root, changed)} changed after dist/ was built: run "npm run build" to serve the change`;
}

/** The first file under `dir` modified after `since`, or undefined (also when `dir` does not exist: an installed package). */
function newerFile(dir: string, since: number): string | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerFile(path, since);
      if (found) return found;
    } else if (entry.isFile() && statSync(path).mtimeMs > since) return path;
  }
  return undefined;
}
