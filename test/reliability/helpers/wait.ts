/**
 * Waiting for a child process to say something, for the process tests. One place, so every test
 * fails the same way: with the pattern it waited for and the output it saw instead.
 */

/** Polls `read()` until `pattern` matches; the match, or an error quoting the output's tail. */
export async function waitForText(
  read: () => string,
  pattern: RegExp,
  ms = 120_000,
  everyMs = 50,
): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in:\n${read().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `check()` (which may query a database or an HTTP endpoint) until it holds. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 120_000,
  everyMs = 100,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
