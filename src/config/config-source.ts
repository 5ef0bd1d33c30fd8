import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';

/** A path into the config, as zod reports it: `['tenants', 0, 'bots', 1, 'settings', 'replyFormat']`. */
export type ConfigPath = (string | number)[];

/** Where a value of a parsed config file was written, for messages raised after parsing (the adapters' checks). */
export interface ConfigSource {
  /** `file:line path`, e.g. `sb.yaml:12 tenants[0].bots[1].settings.replyformat`. */
  where(path: ConfigPath): string;
}

export function describePath(path: ConfigPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/** Without a file (a config built in code), messages name the path only. */
export const pathOnlySource: ConfigSource = { where: describePath };

/**
 * Locates paths in a parsed YAML document. A key's line is the line of the key itself (a mapping value may start on
 * the next line); a path that is not in the file (a missing field) gets the line of its nearest written parent.
 */
export function yamlSource(doc: Document, lineCounter: LineCounter, file: string): ConfigSource {
  const lineOf = (path: ConfigPath): number | undefined => {
    let node: unknown = doc.contents;
    let line = startLine(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        line = startLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.get(Number(key), true);
        if (!node) break;
        line = startLine(node) ?? line;
      } else break;
    }
    return line;
  };
  const startLine = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  return {
    where(path) {
      const line = lineOf(path);
      return `${file}${line ? `:${line}` : ''} ${describePath(path)}`;
    },
  };
}

/**
 * One line per zod issue, `file:line path: message`, with `at` the path of the validated value in the file. An
 * unknown key is located at the key itself, not at the object holding it. Messages never contain values (they may be
 * secrets), only paths and expectations.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], at: ConfigPath, source: ConfigSource): string[] {
  return issues.map((issue) => {
    const path: ConfigPath = [...at, ...(issue.path as ConfigPath)];
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    return `${source.where(path)}: ${issue.message}`;
  });
}
