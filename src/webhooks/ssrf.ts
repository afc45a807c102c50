import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Lookup } from '../deps.ts';
import { blockedReason } from './ip-ranges.ts';

// SSRF guard for outbound requests to customer-supplied URLs (webhooks). A webhook URL is
// attacker-controlled input: without this check anyone with an API key could make the server call
// its own admin ports, cloud metadata (169.254.169.254) or the operator's private network.
// We resolve the name and refuse if ANY address is not public, because a name with one public and
// one private address could be steered to the private one. The caller then connects to exactly the
// address returned here (`pinned-post.ts`): resolving again at connect time would let a DNS answer
// that changed in between (rebinding) reach a private address.

export { isPrivateAddress } from './ip-ranges.ts';

const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * `code` is what the delivery log records, `message` what the API caller who registered the URL
 * sees. A name that does not resolve and a name that resolves to a private address get the same
 * code and message: otherwise registering `http://db.internal/` would tell a tenant which names
 * the operator's internal DNS knows. `reason` (which range, or no answer) is for operators and tests.
 */
type SsrfCode = 'url_invalid' | 'address_not_public';
const NOT_PUBLIC = 'the URL host must resolve to public IP addresses only (it does not resolve, or resolves to a private, loopback, link-local, metadata or reserved address)';
export class SsrfError extends Error {
  constructor(readonly code: SsrfCode, message: string, readonly reason = message) {
    super(message);
  }
}

/** A URL that passed the guard and the one address the request must connect to. */
export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Throws SsrfError when the URL is not http(s), carries credentials, or resolves to a non-public
 * address. With `allowPrivate` (tests, closed deployments) the address is still resolved once and
 * pinned, only the range check is skipped.
 */
export async function assertPublicUrl(raw: string, opts: { allowPrivate: boolean; lookup?: Lookup }): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(raw); // WHATWG parsing turns 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 into 127.0.0.1
  } catch {
    throw new SsrfError('url_invalid', 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SsrfError('url_invalid', 'only http and https URLs are allowed');
  if (url.username || url.password) throw new SsrfError('url_invalid', 'URLs with credentials are not allowed');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  const addrs = literal ? [{ address: host, family: literal }] : await (opts.lookup ?? defaultLookup)(host).catch(() => []);
  if (addrs.length === 0) throw new SsrfError('address_not_public', NOT_PUBLIC, 'no DNS answer');
  if (!opts.allowPrivate) {
    for (const a of addrs) {
      const why = blockedReason(a.address);
      if (why) throw new SsrfError('address_not_public', NOT_PUBLIC, why);
    }
  }
  const first = addrs[0]!;
  return { url, address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}
