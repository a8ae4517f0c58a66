/**
 * Enforces the one-way dependency rule between the folders of src/ (see ARCHITECTURE.md).
 * A folder may import only the folders listed for it; `main.ts` wires everything.
 * The emulator may import only wire types, so a bug cannot hide on both the client and the server side.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  wire: [],
  config: ['domain'],
  dataverse: ['domain', 'config', 'wire'],
  mapping: ['domain', 'config'],
  store: ['domain', 'config'],
  sync: ['domain', 'config', 'dataverse', 'mapping', 'store'],
  web: ['domain', 'config'],
  api: ['domain', 'config', 'sync', 'store', 'mapping', 'dataverse', 'web'],
  cli: ['domain', 'config', 'sync', 'store', 'mapping', 'dataverse', 'api'],
  emulator: ['wire'],
};

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

function specifiers(file: string): { spec: string; line: number }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { spec: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    const lit =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
        ? node.moduleSpecifier
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
          ? node.arguments[0]
          : undefined;
    if (lit && ts.isStringLiteral(lit)) {
      found.push({ spec: lit.text, line: source.getLineAndCharacterOfPosition(lit.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const layerOf = (path: string): string | undefined => {
  const rel = relative(src, path);
  return rel.includes(sep) ? rel.split(sep)[0] : undefined;
};

const violations: string[] = [];
for (const file of walk(src)) {
  const from = layerOf(file);
  if (!from) continue; // src/main.ts is the composition root
  const allowed = ALLOWED[from];
  if (!allowed) {
    violations.push(`${relative(root, file)}: folder src/${from} has no entry in the dependency rule`);
    continue;
  }
  for (const { spec, line } of specifiers(file)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src + sep)) {
      violations.push(`${relative(root, file)}:${line} imports ${spec}, outside src/`);
      continue;
    }
    const to = layerOf(target);
    if (to === from) continue;
    if (!to || !allowed.includes(to)) {
      violations.push(`${relative(root, file)}:${line} imports ${spec}: src/${from} may import only [${allowed.join(', ')}]`);
    }
  }
}

if (violations.length) {
  console.error(`Dependency rule broken (${violations.length}):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log('Dependency rule: ok');
