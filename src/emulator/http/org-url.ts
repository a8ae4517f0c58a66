import type { FastifyRequest } from 'fastify';

/**
 * The organization's URL as the client sees it: origin plus, in a fleet served by path prefix, the
 * prefix the front stripped (fleet/front.ts sets it on the raw request).
 */
export function orgUrlOf(request: FastifyRequest, fallbackHost = 'localhost'): string {
  const base = (request.raw as { emulatorBase?: string }).emulatorBase ?? '';
  return `${request.protocol}://${request.headers.host ?? fallbackHost}${base}`;
}
