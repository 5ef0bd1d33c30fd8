import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorsOf, linkProblems } from '../../support/markdown-links.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

describe('the project documentation', () => {
  const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

  it('covers the architecture, operations and each platform', () => {
    const names = files.map((f) => f.slice(root.length));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/operations.md', 'docs/platforms/wecom.md', 'docs/platforms/slack.md', 'docs/platforms/dingtalk.md']));
  });

  it('has no dead link: every relative link names a file in the repository, every anchor a heading', () => {
    expect(files.flatMap((file) => linkProblems(file, root))).toEqual([]);
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds GitHub heading anchors, formatting dropped and duplicates numbered', () => {
    const anchors = anchorsOf('# Self-built app (`mode: app`)\n\n## Backups\n\n## Backups\n\n### *Slack* & WeCom: errors\n');
    expect([...anchors]).toEqual(['self-built-app-mode-app', 'backups', 'backups-1', 'slack--wecom-errors']);
  });

  it('reports dead files, dead anchors, links out of the repository and malformed URLs, with their line', () => {
    mkdirSync(join(dir, 'docs'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'guide.md'), '# Guide\n\n## Setup steps\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Readme',
        '[ok](docs/guide.md#setup-steps) [ok too](#readme) <https://example.com/x>',
        '[gone](docs/missing.md)',
        '[bad anchor](docs/guide.md#set-up)',
        '[outside](../shared/design/architecture.md)',
        '[self](#nowhere) [web](https://exa%zzmple.com) [host](https://example) [ref][r]',
        '',
        '[r]: ./docs/nothing.md',
      ].join('\n'),
    );
    expect(linkProblems(join(dir, 'README.md'), dir)).toEqual([
      { where: 'README.md:3', href: 'docs/missing.md', problem: 'no such file' },
      { where: 'README.md:4', href: 'docs/guide.md#set-up', problem: 'no heading with the anchor #set-up' },
      { where: 'README.md:5', href: '../shared/design/architecture.md', problem: 'points outside the repository' },
      { where: 'README.md:6', href: '#nowhere', problem: 'no heading with the anchor #nowhere' },
      { where: 'README.md:6', href: 'https://exa%zzmple.com', problem: 'malformed URL' },
      { where: 'README.md:6', href: 'https://example', problem: 'malformed host "example"' },
      { where: 'README.md:6', href: './docs/nothing.md', problem: 'no such file' },
    ]);
  });
});
