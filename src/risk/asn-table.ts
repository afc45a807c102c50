import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

// IP → autonomous system from ip-location-db's "num" CSVs: `start,end,asn,org` with the range
// bounds as decimal integers (IPv4 fits a double; IPv6 needs BigInt). Kept as sorted arrays and
// binary-searched: ~600 k IPv4 ranges load in about a second and a lookup is microseconds.

interface AsnHit { asn: number; org: string | null }
export interface AsnTable { find(ip: string): AsnHit | null }

interface Ranges<T> { start: T[]; end: T[]; asn: number[]; org: (string | null)[] }

export function loadAsnTable(files: readonly string[]): AsnTable {
  const v4: Ranges<number> = { start: [], end: [], asn: [], org: [] };
  const v6: Ranges<bigint> = { start: [], end: [], asn: [], org: [] };
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const row = parseRow(line);
      if (!row) continue;
      // IPv4 bounds are below 2^32; anything larger is an IPv6 range.
      if (row.start.length <= 10 && Number(row.start) < 2 ** 32) push(v4, Number(row.start), Number(row.end), row);
      else push(v6, BigInt(row.start), BigInt(row.end), row);
    }
  }
  sortRanges(v4);
  sortRanges(v6);
  return {
    find(ip) {
      const fam = isIP(ip);
      if (fam === 4) return search(v4, ipv4ToNumber(ip));
      if (fam === 6) return search(v6, ipv6ToBigInt(ip));
      return null;
    },
  };
}

function parseRow(line: string) {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  const asn = Number(line.slice(b + 1, c));
  if (!Number.isInteger(asn)) return null;
  let org = line.slice(c + 1).trim();
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
  return { start: line.slice(0, a), end: line.slice(a + 1, b), asn, org: org || null };
}

function push<T>(r: Ranges<T>, start: T, end: T, row: { asn: number; org: string | null }) {
  r.start.push(start);
  r.end.push(end);
  r.asn.push(row.asn);
  r.org.push(row.org);
}

function sortRanges<T extends number | bigint>(r: Ranges<T>) {
  // The files are sorted already; sort anyway when several files are combined.
  const idx = r.start.map((_, i) => i);
  const sorted = idx.every((i) => i === 0 || r.start[i - 1]! <= r.start[i]!);
  if (sorted) return;
  idx.sort((i, j) => (r.start[i]! < r.start[j]! ? -1 : r.start[i]! > r.start[j]! ? 1 : 0));
  for (const k of ['start', 'end', 'asn', 'org'] as const) {
    const copy = [...r[k]] as never[];
    (r[k] as never[]).splice(0, copy.length, ...idx.map((i) => copy[i]!));
  }
}

function search<T extends number | bigint>(r: Ranges<T>, x: T): AsnHit | null {
  let lo = 0;
  let hi = r.start.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.start[mid]! <= x) lo = mid + 1;
    else hi = mid - 1;
  }
  // hi: the last range starting at or before x.
  if (hi < 0 || r.end[hi]! < x) return null;
  return { asn: r.asn[hi]!, org: r.org[hi]! };
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  // Embedded IPv4 tail (::ffff:1.2.3.4): rewrite as two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipv4ToNumber(v4[1]!);
    s = `${s.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const parts = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return parts.reduce((n, p) => (n << 16n) + BigInt(parseInt(p || '0', 16)), 0n);
}
