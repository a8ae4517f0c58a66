/**
 * The web UI: page shells (src/web/pages.ts) behind sign-in, their static assets without it, and
 * the headers that keep the pages from being framed or fed foreign scripts.
 */
import type { FastifyInstance } from 'fastify';
import { loadAssets } from '../../web/assets.js';
import { HOME_PATH, PAGES, renderPage } from '../../web/pages.js';

/** Scripts and styles only from this origin, nothing inline, no framing, forms post only here. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function registerPageRoutes(app: FastifyInstance): void {
  const assets = loadAssets();

  for (const page of PAGES) {
    const html = renderPage(page);
    app.get(page.route, { config: { public: page.public === true } }, async (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('cache-control', 'no-store')
        .send(html),
    );
  }

  app.get('/', async (_request, reply) => reply.redirect(HOME_PATH, 302));

  app.get('/assets/*', { config: { public: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = assets.get(name);
    if (!asset) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
    void reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.header('content-type', asset.contentType).send(asset.body);
  });
}
