/**
 * A link checker for the project's Markdown, with marked as the parser and github-slugger for GitHub's heading
 * anchors. Relative links must name a file inside the repository, `#anchors` a heading of the target file; http(s)
 * links are only checked to be well-formed (tests have no network).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { lexer, walkTokens, type Token } from 'marked';

export interface LinkProblem {
  /** `file:line`, relative to the root. */
  where: string;
  href: string;
  problem: string;
}

interface Link {
  href: string;
  line: number;
}

/** The text GitHub slugs for a heading: inline formatting dropped, the text of code spans kept. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((t) => {
      if ('tokens' in t && Array.isArray(t.tokens) && t.type !== 'codespan') return plainText(t.tokens);
      if (t.type === 'html' || t.type === 'image') return '';
      return 'text' in t && typeof t.text === 'string' ? decodeEntities(t.text) : '';
    })
    .join('');
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? _m);
}

/** The anchors GitHub generates for the headings of a Markdown text, duplicates numbered as GitHub does. */
export function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walkTokens(lexer(markdown), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token.tokens ?? [])));
  });
  return anchors;
}

/** Every link and image of a Markdown text (inline, reference and autolinks), with the line it starts on. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let searchFrom = 0;
  walkTokens(lexer(markdown), (token) => {
    if (token.type !== 'link' && token.type !== 'image') return;
    const at = markdown.indexOf(token.raw, searchFrom);
    if (at >= 0) searchFrom = at + token.raw.length;
    links.push({ href: token.href, line: at >= 0 ? markdown.slice(0, at).split('\n').length : 0 });
  });
  return links;
}

function externalProblem(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return 'malformed URL';
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname)) return `malformed host "${url.hostname}"`;
  return undefined;
}

/** The problems of every link in `file` (absolute path), resolved against `root` (the repository). */
export function linkProblems(file: string, root: string): LinkProblem[] {
  const markdown = readFileSync(file, 'utf8');
  const problems: LinkProblem[] = [];
  const cachedAnchors = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    let anchors = cachedAnchors.get(path);
    if (!anchors) cachedAnchors.set(path, (anchors = anchorsOf(readFileSync(path, 'utf8'))));
    return anchors;
  };

  for (const { href, line } of linksOf(markdown)) {
    const report = (problem: string) => problems.push({ where: `${relative(root, file)}:${line}`, href, problem });
    if (/^https?:/i.test(href)) {
      const problem = externalProblem(href);
      if (problem) report(problem);
      continue;
    }
    if (/^mailto:[^@\s]+@[^@\s]+$/i.test(href)) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      report('unexpected URL scheme');
      continue;
    }
    const [pathPart = '', anchor] = href.split('#', 2);
    if (isAbsolute(pathPart)) {
      report('absolute path: use a path relative to this file');
      continue;
    }
    let target = file;
    if (pathPart !== '') {
      let path: string;
      try {
        path = decodeURIComponent(pathPart.split('?')[0]!);
      } catch {
        report('malformed percent-escape');
        continue;
      }
      target = resolve(dirname(file), path);
      const inside = relative(root, target);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        report('points outside the repository');
        continue;
      }
      if (!existsSync(target)) {
        report('no such file');
        continue;
      }
    }
    if (anchor === undefined) continue;
    if (extname(target).toLowerCase() !== '.md') report('anchor into a file that is not Markdown');
    else if (!anchorsIn(target).has(decodeURIComponent(anchor))) report(`no heading with the anchor #${anchor}`);
  }
  return problems;
}
