import { BlockList, isIP } from 'node:net';

// TRUST_PROXY in its parsed form. Read by the HTTP edge (http/client-ip.ts: which X-Forwarded-For
// hops count) and by the risk stage (risk/spoofed-ip.ts: was the header spoofed); kept next to the
// config so neither of those rooms imports the other.

export interface TrustedProxies {
  has(address: string): boolean;
}

/** `TRUST_PROXY` entries (addresses or CIDRs, already validated by the config) → a matcher. */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  return {
    has(address) {
      const a = unmapped(address);
      const family = isIP(a);
      return family !== 0 && entries.length > 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export const unmapped = (a: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a);
