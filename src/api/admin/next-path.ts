/**
 * Where to go after sign-in: only a path of this site. The candidate is parsed with the WHATWG URL
 * rules browsers follow (which drop tabs and newlines anywhere and turn `\` into `/`), so
 * `/\t/evil.example` is seen as the `//evil.example` a browser would follow, and refused. The
 * sign-in page (web/assets/pages/login.js) applies the same rule with the browser's own URL.
 */
const BASE = 'http://dynasync.invalid';

export function safeNextPath(candidate: string | null | undefined, fallback = '/'): string {
  if (!candidate || !candidate.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.pathname.startsWith('/login')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
