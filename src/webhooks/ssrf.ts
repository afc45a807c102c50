import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

// SSRF guard for outbound requests to customer-supplied URLs (webhooks, redirects). A webhook URL
// is attacker-controlled input: without this check anyone with an API key could make the server
// call its own admin ports, cloud metadata (169.254.169.254) or the operator's private network.
// We resolve the name and refuse if ANY address is private, because a name with one public and one
// private address could be steered to the private one at connect time.

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;
export const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

export class SsrfError extends Error {}

export function isPrivateAddress(addr: string): boolean {
  const v = isIP(addr);
  if (v === 4) {
    const [a = 0, b = 0] = addr.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (v === 6) {
    const x = addr.toLowerCase();
    if (x === '::' || x === '::1') return true;
    const mapped = x.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped?.[1]) return isPrivateAddress(mapped[1]);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(x);
  }
  return true; // not an IP at all: refuse
}

/** Throws SsrfError when the URL is not http(s) or resolves to a non-public address. */
export async function assertPublicUrl(raw: string, opts: { allowPrivate: boolean; lookup?: Lookup }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SsrfError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SsrfError('only http and https URLs are allowed');
  if (url.username || url.password) throw new SsrfError('URLs with credentials are not allowed');
  if (opts.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await (opts.lookup ?? defaultLookup)(host).catch(() => []);
  if (addrs.length === 0) throw new SsrfError(`cannot resolve ${host}`);
  const bad = addrs.find((a) => isPrivateAddress(a.address));
  if (bad) throw new SsrfError(`${host} resolves to a private, loopback or link-local address`);
  return url;
}
