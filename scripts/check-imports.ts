/**
 * Enforces the one-way dependency rule (see ARCHITECTURE.md).
 *
 * Inside src/, a folder may import only the folders listed for it; `main.ts` wires everything. The
 * emulator may import only wire types, so a bug cannot hide on both the client and the server side.
 *
 * Outside src/, the benchmark (bench/) and the shared test helpers (test/helpers/) use src/ as a
 * library: only the layers listed for them, and only their public modules (see isPublic), so a
 * refactoring inside a folder cannot break them and they measure what users run. Test files and
 * the fixtures beside them are exempt: a unit test imports the unit it tests.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
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

/** Everything below the user-facing edges (cli, web) and main.ts, which nothing builds on. */
const LIBRARY = ['domain', 'wire', 'config', 'dataverse', 'mapping', 'store', 'sync', 'emulator'];

/** Folders outside src/ (relative to the repository) and the layers of src/ they may import. */
export const CONSUMERS: Record<string, readonly string[]> = {
  bench: LIBRARY,
  'test/helpers': [...LIBRARY, 'api'],
};

/** Private modules a consumer may still import, each with the reason. Keep it short. */
export const EXCEPTIONS: Record<string, Record<string, string>> = {
  bench: {
    'src/emulator/demo.ts':
      "the demo's fan-out account, shared by main.ts and the bench's emulator; not (yet) on the emulator's index",
  },
  'test/helpers': {
    // store/db's index loads PGlite (45 MB) lazily, only in processes that use it, so it cannot
    // re-export these; the tests' shared in-memory PGlite (pglite-pool.ts) needs them directly.
    'src/store/db/pglite.ts': 'wraps the shared in-memory PGlite instance as a Db',
    'src/store/db/migrate.ts': 'migrates each test schema on the shared PGlite instance',
  },
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

const hasIndex = (dir: string): boolean => existsSync(join(dir, 'index.ts'));

/**
 * The public modules of a layer: a folder's index.ts (it names what the folder offers; everything
 * else under that folder is internal), and in a layer with no index.ts (sync, store, api) each of
 * its top-level files, which are entries of their own. Deeper files are reached through the index
 * of their folder.
 */
export function isPublic(target: string): boolean {
  const file = target.replace(/\.js$/, '.ts');
  const layerDir = join(src, layerOf(file) ?? '');
  const dir = dirname(file);
  let d = layerDir;
  for (const part of relative(layerDir, dir).split(sep).filter(Boolean)) {
    if (hasIndex(d)) return false; // an enclosing folder has an entry and this file is not it
    d = join(d, part);
  }
  return basename(file) === 'index.ts' || (dir === layerDir && !hasIndex(dir));
}

function checkSrc(violations: string[]): void {
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
        violations.push(
          `${relative(root, file)}:${line} imports ${spec}: src/${from} may import only [${allowed.join(', ')}]`,
        );
      }
    }
  }
}

function checkConsumers(violations: string[]): void {
  for (const [folder, allowed] of Object.entries(CONSUMERS)) {
    for (const file of walk(join(root, folder))) {
      for (const { spec, line } of specifiers(file)) {
        const target = resolve(dirname(file), spec);
        if (!spec.startsWith('.') || !target.startsWith(src + sep)) continue;
        const where = `${relative(root, file)}:${line} imports ${spec}`;
        const to = layerOf(target);
        const key = relative(root, target.replace(/\.js$/, '.ts'));
        if (!to || !allowed.includes(to)) {
          violations.push(`${where}: ${folder}/ may import only [${allowed.join(', ')}] of src/`);
        } else if (!isPublic(target) && !(key in (EXCEPTIONS[folder] ?? {}))) {
          violations.push(`${where}: not a public module of src/${to} (import its index.ts or a top-level file)`);
        }
      }
    }
  }
}

const violations: string[] = [];
checkSrc(violations);
checkConsumers(violations);
if (violations.length) {
  console.error(`Dependency rule broken (${violations.length}):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log('Dependency rule: ok');
