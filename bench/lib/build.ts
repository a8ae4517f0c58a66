/**
 * The bench measures what an installed dynasync runs: compiled JavaScript (`bin/dynasync.mjs` runs
 * `dist/` when it is built), not the TypeScript sources through tsx, whose loader alone adds about
 * 37 MB to every process and its compile work to start-up. `prepareBuild()` compiles src/ and bench/
 * once per harness run into `.bench-build/<pid>/` (same layout as the repository, so relative paths to
 * migrations, web assets and package.json hold) and every child then runs from there.
 * `--runtime tsx` keeps the old way, from sources.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const BUILD_DIR_NAME = '.bench-build';

/** Compiles into `.bench-build/<pid>/` (runs at once do not share a build); removed by removeBuild(). */
export function prepareBuild(repoRoot: string, log: (msg: string) => void): string {
  const out = join(repoRoot, BUILD_DIR_NAME, String(process.pid));
  rmSync(out, { recursive: true, force: true });
  log(`compiling src/ and bench/ into ${BUILD_DIR_NAME}/${process.pid}/ (children run compiled JavaScript)`);
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.bench.json'), '--outDir', out], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const dir of ['src/store/migrations', 'src/web/assets']) {
    if (existsSync(join(repoRoot, dir))) cpSync(join(repoRoot, dir), join(out, dir), { recursive: true });
  }
  cpSync(join(repoRoot, 'package.json'), join(out, 'package.json'));
  return out;
}

export function removeBuild(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  // .bench-build/ itself too, unless another run is using it.
  try {
    rmdirSync(join(dir, '..'));
  } catch {
    // not empty: another run's build is in it
  }
}

/**
 * The command line of a child: `node <flags> <script>` from the build (BENCH_BUILD_DIR, set by
 * bench/run.ts and inherited), or through tsx when there is none (`--runtime tsx`).
 */
export function childArgs(script: string, buildDir: string | undefined, nodeArgs: readonly string[]): string[] {
  if (buildDir === undefined) return ['--import', 'tsx', ...nodeArgs, script];
  return [...nodeArgs, join(buildDir, script.replace(/\.ts$/, '.js'))];
}
