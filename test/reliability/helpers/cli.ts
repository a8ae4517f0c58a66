/**
 * The real `dynasync` command line as a child process: node with the tsx loader running
 * src/main.ts directly (not through npx or the tsx binary, which would put a wrapper process
 * between us and the one a SIGKILL must hit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliEnv {
  readonly dataDir: string;
  readonly pageSize?: number;
  readonly logLevel?: string;
  readonly extra?: Record<string, string>;
  /** Run the child as this user (root tests that need file permissions to bite). */
  readonly uid?: number;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  readonly startedAt: number;
}

function childEnv(env: CliEnv): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  // Only what a user's shell would hand over: no DATABASE_URL from the test runner, no DYNAMICS_*.
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS'])
    if (process.env[k] !== undefined) base[k] = process.env[k];
  return {
    ...base,
    DYNASYNC_DATA_DIR: env.dataDir,
    DYNASYNC_LOG_LEVEL: env.logLevel ?? 'info',
    ...(env.pageSize ? { DYNASYNC_PAGE_SIZE: String(env.pageSize) } : {}),
    ...env.extra,
  };
}

export function spawnCli(args: readonly string[], env: CliEnv): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env.uid !== undefined ? { uid: env.uid, gid: env.uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, startedAt: Date.now() };
}

/** Runs a command to its end; throws with its output when it fails, unless `allowFailure`. */
export async function runCli(
  args: readonly string[],
  env: CliEnv,
  opts: { allowFailure?: boolean } = {},
): Promise<CliResult> {
  const r = await spawnCli(args, env).done;
  if (r.code !== 0 && !opts.allowFailure) {
    throw new Error(
      `dynasync ${args.join(' ')} exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return r;
}

/** `connect` to an emulator as the sync user, then `fields --defaults`. */
export async function connectAndSelectDefaults(emulatorUrl: string, env: CliEnv): Promise<void> {
  await runCli(
    [
      'connect',
      '--url',
      emulatorUrl,
      '--authority',
      emulatorUrl,
      '--tenant',
      'contoso',
      '--username',
      'sync@contoso.test',
      '--password',
      'Passw0rd!',
      '--client-id',
      'dynasync-local',
    ],
    env,
  );
  await runCli(['fields', '--defaults'], env);
}
