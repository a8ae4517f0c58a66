/**
 * The admin UI's pages: each is the same HTML shell (top bar, navigation, an empty main area) plus
 * one ES module from assets/pages/ that fills it by calling /api/*. No inline script or style, so
 * the Content-Security-Policy can forbid both.
 */
export interface PageDef {
  readonly id: string;
  /** Route pattern (fastify syntax). */
  readonly route: string;
  readonly title: string;
  /** Shown in the top navigation under this label, at this path. */
  readonly nav?: { readonly label: string; readonly href: string };
  /** Pages that need no session (sign-in). */
  readonly public?: boolean;
}

export const PAGES: readonly PageDef[] = [
  { id: 'login', route: '/login', title: 'Sign in', public: true },
  { id: 'status', route: '/status', title: 'Sync status', nav: { label: 'Status', href: '/status' } },
  { id: 'connection', route: '/connection', title: 'Connection', nav: { label: 'Connection', href: '/connection' } },
  { id: 'fields', route: '/fields', title: 'Field sync', nav: { label: 'Field sync', href: '/fields' } },
  {
    id: 'custom-tables',
    route: '/custom-tables',
    title: 'Custom tables',
    nav: { label: 'Custom tables', href: '/custom-tables' },
  },
  { id: 'errors', route: '/errors', title: 'Sync errors', nav: { label: 'Sync errors', href: '/errors' } },
  { id: 'people', route: '/people', title: 'People', nav: { label: 'People', href: '/people' } },
  { id: 'person', route: '/people/:id', title: 'Person' },
  { id: 'companies', route: '/companies', title: 'Companies', nav: { label: 'Companies', href: '/companies' } },
  {
    id: 'opportunities',
    route: '/opportunities',
    title: 'Opportunities',
    nav: { label: 'Opportunities', href: '/opportunities' },
  },
  {
    id: 'api-clients',
    route: '/api-clients',
    title: 'API clients',
    nav: { label: 'API clients', href: '/api-clients' },
  },
  { id: 'users', route: '/users', title: 'Users', nav: { label: 'Users', href: '/users' } },
  { id: 'audit', route: '/audit', title: 'Audit log', nav: { label: 'Audit log', href: '/audit' } },
  // Reached from the status page's Alerts card (no entry of its own in the navigation).
  { id: 'alerts', route: '/alerts', title: 'Alert settings' },
  { id: 'invite', route: '/invite', title: 'Accept your invite', public: true },
];

/** The page everything else starts from. */
export const HOME_PATH = '/status';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function navigation(current: PageDef): string {
  const active = current.id === 'person' ? 'people' : current.id;
  const links = PAGES.filter((p) => p.nav).map((p) => {
    const aria = p.id === active ? ' aria-current="page"' : '';
    return `<a href="${p.nav!.href}"${aria}>${escapeHtml(p.nav!.label)}</a>`;
  });
  return `<nav class="nav" aria-label="Main">${links.join('')}</nav>
    <button type="button" class="button ghost" id="sign-out">Sign out</button>`;
}

export function renderPage(page: PageDef): string {
  const title = escapeHtml(page.title);
  const chrome = page.public ? '' : navigation(page);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · dynasync</title>
  <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/app.css">
  <link rel="stylesheet" href="/assets/health.css">
  <script type="module" src="/assets/pages/${page.id}.js"></script>
</head>
<body data-page="${page.id}" class="${page.public ? 'public' : 'app'}">
  <header class="topbar">
    <a class="brand" href="${HOME_PATH}"><span class="logo" aria-hidden="true"></span>dynasync</a>
    ${chrome}
  </header>
  <main class="main">
    ${page.public ? '' : '<div id="health-line" class="health-line" role="status" hidden></div>'}
    <h1 id="page-title">${title}</h1>
    <div id="page" aria-live="polite"></div>
  </main>
  <div id="toasts" class="toasts" role="status" aria-live="polite"></div>
</body>
</html>
`;
}
