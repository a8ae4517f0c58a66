/**
 * The UI's static files (CSS, ES modules, icon), read once from src/web/assets at start and served
 * from memory with an ETag. Only files found there are served: a request path is looked up in this
 * map, never joined onto the file system.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Next to this module when run from src/; from dist/ (tsc does not copy assets) the sources' copy. */
function assetsDir(): string {
  const here = fileURLToPath(new URL('./assets/', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../src/web/assets/', import.meta.url));
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every asset by URL path below /assets/ (e.g. `pages/status.js`). */
export function loadAssets(dir: string = assetsDir()): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const path of walk(dir)) {
    const contentType = TYPES[extname(path)];
    if (!contentType) continue;
    const body = readFileSync(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(relative(dir, path).split(sep).join('/'), { body, contentType, etag });
  }
  return assets;
}
