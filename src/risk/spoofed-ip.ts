import { isIP } from 'node:net';
import { unmapped } from '../config/trusted-proxies.ts';

// `spoofed_ip`: the forwarded chain (X-Forwarded-For) disagrees with what the socket says, given
// which proxies the operator trusts (TRUST_PROXY, http/client-ip.ts). Behind a trusted proxy the
// chain is expected; from any other peer a chain naming someone else is a claim the sender wrote
// to look like another address (or it came through a proxy the operator does not run).

export interface SpoofVerdict { spoofed: boolean; reason: string | null }

export function spoofedIp(peer: string | null, forwardedFor: string | null, trusted: (ip: string) => boolean): SpoofVerdict {
  if (!peer || !forwardedFor) return { spoofed: false, reason: null };
  const self = unmapped(peer);
  const hops = forwardedFor.split(',').map((h) => unmapped(h.trim())).filter(Boolean);
  if (!trusted(self)) {
    const other = hops.find((h) => h !== self);
    return other ? { spoofed: true, reason: 'X-Forwarded-For names another address and the connection is not from a trusted proxy' } : { spoofed: false, reason: null };
  }
  // From a trusted proxy: every hop must be an address; walking right to left, once an untrusted
  // hop (the client) is reached, what lies left of it was written by the client itself.
  if (hops.some((h) => isIP(h) === 0)) return { spoofed: true, reason: 'X-Forwarded-For holds something that is not an IP address' };
  let i = hops.length - 1;
  while (i >= 0 && trusted(hops[i]!)) i--;
  if (i > 0) return { spoofed: true, reason: `the client prepended ${i} address(es) of its own to X-Forwarded-For` };
  return { spoofed: false, reason: null };
}
