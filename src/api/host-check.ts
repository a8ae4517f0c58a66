/**
 * Only the host names this server is meant to answer for: a page of another site whose name was
 * made to resolve to this machine (DNS rebinding) sends its own name in Host and is refused before
 * any route runs, so the same-origin check of the admin API compares against a trusted Host.
 * Allowed: loopback names and addresses, the address the server listens on (every local
 * interface address when it listens on all of them), and DYNASYNC_ALLOWED_HOSTS.
 */
import { networkInterfaces } from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../store/connection-url.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The host name of a Host header or a configured name: lower case, no port, no brackets, no final dot. */
export function hostNameOf(host: string | undefined): string | null {
  if (!host) return null;
  try {
    const name = new URL(`http://${host}`).hostname.toLowerCase().replace(/\.$/, '');
    return name.replace(/^\[(.*)\]$/, '$1') || null;
  } catch {
    return null;
  }
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.toLowerCase()));
}

export function allowedHosts(opts: { listenHost?: string; configured?: readonly string[] }): ReadonlySet<string> {
  const names = new Set<string>();
  for (const h of opts.configured ?? []) {
    const name = hostNameOf(h);
    if (name) names.add(name);
  }
  if (opts.listenHost && WILDCARDS.has(opts.listenHost)) for (const a of localAddresses()) names.add(a);
  else if (opts.listenHost) names.add(hostNameOf(opts.listenHost) ?? opts.listenHost);
  return names;
}

export function createHostCheck(allowed: ReadonlySet<string>) {
  return async function hostCheck(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const name = hostNameOf(request.headers.host);
    if (name && (isLoopbackHost(name) || allowed.has(name))) return;
    await reply
      .code(421)
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: 'host_not_allowed',
          message:
            `This dynasync server does not answer for the host name ${JSON.stringify(name ?? '')}. ` +
            'If it is one of yours, add it to DYNASYNC_ALLOWED_HOSTS (comma-separated).',
        },
      });
  };
}
