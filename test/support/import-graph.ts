import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** What a layer may import besides itself: another layer, maybe only some of its files or only its types. */
export type Allowance = string | { layer: string; only?: string[]; typesOnly?: boolean };

/** Per layer (a folder of src/, or a file at its root), the layers it may import. */
export type LayerRules = Record<string, readonly Allowance[]>;

export interface SourceFile {
  /** Path relative to src/, with forward slashes: `store/kv.ts`. */
  path: string;
  text: string;
}

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/** Every `.ts` file under `root` (as SourceFiles relative to it), skipping the folders named in `skip`. */
export function readSources(root: string, skip: readonly string[] = []): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return skip.includes(relative(root, full).split(sep).join('/')) ? [] : walk(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  return walk(root).map((full) => ({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') }));
}

/** The module specifiers a file imports or re-exports (static and dynamic), and whether only types are used. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: importIsTypeOnly(node.importClause) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function importIsTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** The layer of a path relative to src/: its top folder, or for a file at the root the name `layerOfRootFile` gives. */
export function layerOf(path: string, rootFiles: Readonly<Record<string, string>>): string | undefined {
  const [top, ...rest] = path.split('/');
  if (top === undefined) return undefined;
  return rest.length === 0 ? rootFiles[top] : top;
}

/**
 * Each import between layers that the rules do not allow, as `from → to (why)`; also files in a folder no rule
 * names and relative imports that leave src/. Package imports (`zod`, `node:fs`) are not checked.
 */
export function findViolations(
  files: readonly SourceFile[],
  rules: LayerRules,
  rootFiles: Readonly<Record<string, string>>,
): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path, rootFiles);
    if (from === undefined || !(from in rules)) {
      violations.push(`src/${file.path}: "${from ?? file.path}" has no row in the layer rules`);
      continue;
    }
    for (const ref of importsOf(file.path, file.text)) {
      if (!ref.specifier.startsWith('.')) continue;
      const target = resolve('/src', dirname(file.path), ref.specifier).replace(/\.js$/, '.ts');
      if (!target.startsWith('/src/')) {
        violations.push(`src/${file.path} → ${ref.specifier} (leaves src/)`);
        continue;
      }
      const targetPath = target.slice('/src/'.length);
      const to = layerOf(targetPath, rootFiles) ?? targetPath;
      if (to === from) continue;
      const reason = refusal(rules[from] ?? [], to, targetPath, ref.typeOnly);
      if (reason) violations.push(`src/${file.path} → src/${targetPath} (${from} ${reason})`);
    }
  }
  return violations;
}

function refusal(allowed: readonly Allowance[], to: string, targetPath: string, typeOnly: boolean): string | undefined {
  const allowance = allowed.find((a) => (typeof a === 'string' ? a : a.layer) === to);
  if (allowance === undefined) return `may not import ${to}`;
  if (typeof allowance === 'string') return undefined;
  if (allowance.only && !allowance.only.includes(targetPath)) return `may import only ${allowance.only.join(', ')} of ${to}`;
  if (allowance.typesOnly && !typeOnly) return `may import only types from ${to}`;
  return undefined;
}
