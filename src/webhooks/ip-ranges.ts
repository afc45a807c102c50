import { isIP } from 'node:net';

// Which IP addresses a webhook may connect to. Addresses are parsed into bytes and compared against
// a table of prefixes (no pattern matching on text: "::ffff:7f00:1", "0:0:0:0:0:ffff:127.0.0.1" and
// "::ffff:127.0.0.1" are the same 16 bytes). Sources: the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and updates) plus the cloud metadata addresses.

type Family = 4 | 6;
interface Range { family: Family; prefix: Uint8Array; bits: number; why: string }

/** Parses a canonical or shortened IPv4/IPv6 literal into 4 or 16 bytes; null when it is not one. */
export function parseIp(addr: string): Uint8Array | null {
  const a = addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr;
  if (a.includes('%')) return null; // zone ids ("fe80::1%eth0") name a local interface: never a webhook target
  const kind = isIP(a);
  if (kind === 4) return Uint8Array.from(a.split('.').map(Number));
  if (kind !== 6) return null;
  let text = a.toLowerCase();
  const tail: number[] = [];
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/); // trailing embedded IPv4 ("::ffff:1.2.3.4")
  if (dotted) {
    const v4 = dotted[2]!.split('.').map(Number);
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length - tail.length;
  const words = [...left, ...Array(rest === undefined ? 0 : missing).fill(0), ...right, ...tail];
  if (words.length !== 8) return null;
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

function range(family: Family, text: string, bits: number, why: string): Range {
  const prefix = parseIp(text);
  if (!prefix) throw new Error(`bad range ${text}`);
  return { family, prefix, bits, why };
}

const V4: Range[] = [
  range(4, '0.0.0.0', 8, '"this network"; 0.0.0.0 reaches the local host on Linux'),
  range(4, '10.0.0.0', 8, 'private (RFC 1918)'),
  range(4, '100.64.0.0', 10, 'carrier-grade NAT, shared address space (RFC 6598)'),
  range(4, '127.0.0.0', 8, 'loopback'),
  range(4, '169.254.0.0', 16, 'link-local; holds the cloud metadata service 169.254.169.254'),
  range(4, '172.16.0.0', 12, 'private (RFC 1918)'),
  range(4, '192.0.0.0', 24, 'IETF protocol assignments (includes 192.0.0.192, a metadata address)'),
  range(4, '192.0.2.0', 24, 'documentation TEST-NET-1'),
  range(4, '192.88.99.0', 24, '6to4 relay anycast: forwards into IPv6 networks we do not vet'),
  range(4, '192.168.0.0', 16, 'private (RFC 1918)'),
  range(4, '198.18.0.0', 15, 'benchmarking networks'),
  range(4, '198.51.100.0', 24, 'documentation TEST-NET-2'),
  range(4, '203.0.113.0', 24, 'documentation TEST-NET-3'),
  range(4, '224.0.0.0', 4, 'multicast'),
  range(4, '240.0.0.0', 4, 'reserved, and 255.255.255.255 limited broadcast'),
];

/** IPv4 embedded in IPv4-mapped addresses is judged by the IPv4 table (Node connects to that IPv4). */
const MAPPED = range(6, '::ffff:0:0', 96, 'IPv4-mapped');

const V6: Range[] = [
  range(6, '::', 128, 'unspecified'),
  range(6, '::1', 128, 'loopback'),
  range(6, '::', 96, 'IPv4-compatible (deprecated): embeds an IPv4 address'),
  range(6, '::ffff:0:0:0', 96, 'IPv4-translated (SIIT): embeds an IPv4 address'),
  range(6, '64:ff9b::', 96, 'NAT64 well-known prefix: the gateway connects to the embedded IPv4'),
  range(6, '64:ff9b:1::', 48, 'NAT64 local-use prefix: embeds an IPv4 address'),
  range(6, '100::', 64, 'discard-only'),
  range(6, '2001::', 32, 'Teredo: embeds an (obfuscated) IPv4 address'),
  range(6, '2001:db8::', 32, 'documentation'),
  range(6, '2002::', 16, '6to4: embeds an IPv4 address'),
  range(6, '3fff::', 20, 'documentation'),
  range(6, 'fc00::', 7, 'unique local (includes fd00:ec2::254, the AWS metadata service)'),
  range(6, 'fe80::', 10, 'link-local'),
  range(6, 'fec0::', 10, 'site-local (deprecated, still routed in some networks)'),
  range(6, 'ff00::', 8, 'multicast'),
];

function inRange(bytes: Uint8Array, r: Range): boolean {
  for (let bit = 0; bit < r.bits; bit += 8) {
    const take = Math.min(8, r.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[bit / 8]! ^ r.prefix[bit / 8]!) & mask) !== 0) return false;
  }
  return true;
}

/** Why an address must not be connected to, or null when it is a public unicast address. */
export function blockedReason(addr: string): string | null {
  const bytes = parseIp(addr);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 16 && inRange(bytes, MAPPED)) {
    const inner = blockedReason(Array.from(bytes.subarray(12)).join('.'));
    return inner ? `IPv4-mapped ${inner}` : null;
  }
  const table = bytes.length === 4 ? V4 : V6;
  return table.find((r) => inRange(bytes, r))?.why ?? null;
}

export const isPrivateAddress = (addr: string): boolean => blockedReason(addr) !== null;
