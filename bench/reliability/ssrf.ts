// Webhook registration with every spelling of a non-public address we know. Counts refused vs
// accepted, then lets the server deliver real events and counts signed POSTs that reached the
// loopback receiver (the receiver's path names the spelling that got through).
import { hostname } from 'node:os';
import { api } from './http.ts';
import type { Receiver } from './receiver.ts';
import type { Report } from './report.ts';

const SECTION = 'ssrf';

export interface Spelling { name: string; url: string; /** A connection to it lands on this machine's loopback. */ loopback: boolean }

export function spellings(port: number): Spelling[] {
  const P = port;
  const L = (name: string, host: string): Spelling => ({ name, url: `http://${host}:${P}/s/${encodeURIComponent(name)}`, loopback: true });
  const X = (name: string, url: string): Spelling => ({ name, url, loopback: false });
  return [
    L('127.0.0.1 (control for the guard)', '127.0.0.1'),
    L('localhost', 'localhost'),
    L('LOCALHOST upper case', 'LOCALHOST'),
    L('localhost. (trailing dot)', 'localhost.'),
    L(`hostname "${hostname()}" (resolves via /etc/hosts)`, hostname()),
    L('127.1 (short form)', '127.1'),
    L('2130706433 (decimal)', '2130706433'),
    L('0x7f000001 (hex)', '0x7f000001'),
    L('0177.0.0.1 (octal)', '0177.0.0.1'),
    L('0x7f.0.0.1 (hex octet)', '0x7f.0.0.1'),
    L('127.0.0.2 (rest of 127/8)', '127.0.0.2'),
    L('0.0.0.0', '0.0.0.0'),
    L('0 (zero)', '0'),
    L('[::1]', '[::1]'),
    L('[::]', '[::]'),
    L('[::ffff:127.0.0.1] (IPv4-mapped)', '[::ffff:127.0.0.1]'),
    L('[::ffff:7f00:1] (IPv4-mapped, hex)', '[::ffff:7f00:1]'),
    L('[0:0:0:0:0:ffff:127.0.0.1] (mapped, long)', '[0:0:0:0:0:ffff:127.0.0.1]'),
    X('[::127.0.0.1] (IPv4-compatible)', `http://[::127.0.0.1]:${P}/s/compat`),
    X('[::ffff:0:127.0.0.1] (IPv4-translated)', `http://[::ffff:0:127.0.0.1]:${P}/s/translated`),
    X('[64:ff9b::127.0.0.1] (NAT64)', `http://[64:ff9b::127.0.0.1]:${P}/s/nat64`),
    X('[64:ff9b:1::7f00:1] (local NAT64)', `http://[64:ff9b:1::7f00:1]:${P}/s/nat64-local`),
    X('[2002:7f00:1::] (6to4 of 127.0.0.1)', `http://[2002:7f00:1::]:${P}/s/6to4`),
    X('[2001:0:4136:e378:8000:63bf:80ff:fffe] (Teredo of 127.0.0.1)', `http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:${P}/s/teredo`),
    X('169.254.169.254 (cloud metadata)', 'http://169.254.169.254/latest/meta-data/'),
    X('[::ffff:169.254.169.254] (metadata, mapped)', 'http://[::ffff:169.254.169.254]/latest/meta-data/'),
    X('[::ffff:a9fe:a9fe] (metadata, mapped hex)', 'http://[::ffff:a9fe:a9fe]/latest/meta-data/'),
    X('[fd00:ec2::254] (AWS IPv6 metadata)', 'http://[fd00:ec2::254]/latest/meta-data/'),
    X('0xa9fea9fe (metadata, hex)', 'http://0xa9fea9fe/latest/meta-data/'),
    X('metadata.google.internal', 'http://metadata.google.internal/computeMetadata/v1/'),
    X('10.0.0.1 (private)', 'http://10.0.0.1/'),
    X('192.168.0.1 (private)', 'http://192.168.0.1/'),
    X('172.16.0.1 (private)', 'http://172.16.0.1/'),
    X('100.64.0.1 (CGNAT)', 'http://100.64.0.1/'),
    X('[fe80::1] (link-local)', 'http://[fe80::1]/'),
    X('[fc00::1] (unique local)', 'http://[fc00::1]/'),
    X('[::ffff:10.0.0.1] (private, mapped)', 'http://[::ffff:10.0.0.1]/'),
  ];
}

export interface SsrfRegistration { accepted: Array<{ spelling: Spelling; id: string }>; refused: number }

/** Registers every spelling for `key`; rows per spelling, pass = refused (422 webhook_url_refused or validation). */
export async function registerSpellings(base: string, key: string, port: number, report: Report): Promise<SsrfRegistration> {
  const accepted: SsrfRegistration['accepted'] = [];
  let refused = 0;
  for (const s of spellings(port)) {
    const r = await api(base, key, 'POST', '/v1/webhooks', { url: s.url });
    const code = r.json?.error?.code ?? '-';
    const isRefused = r.status >= 400 && r.status < 500;
    if (isRefused) refused++;
    else if (r.status === 201) accepted.push({ spelling: s, id: r.json.id });
    report.add({ section: SECTION, name: `register ${s.name}`, status: r.status, code, pass: isRefused, ...(r.status === 201 ? { note: `stored as ${r.json.url}` } : {}) });
  }
  // Accepted non-loopback targets are removed before any event: the suite only ever sends to loopback.
  for (const a of accepted.filter((x) => !x.spelling.loopback)) await api(base, key, 'DELETE', `/v1/webhooks/${a.id}`);
  return { accepted, refused };
}

/** After events were emitted for the tenant: signed POSTs that reached the receiver, per spelling. */
export function ssrfDeliveries(recv: Receiver, report: Report, reg: SsrfRegistration) {
  const reached = recv.deliveries.filter((d) => d.path.startsWith('/s/') && d.signed);
  const bySpelling = new Set(reached.map((d) => d.path));
  report.add({ section: SECTION, name: 'signed POSTs that reached the loopback receiver', status: reached.length, code: `${bySpelling.size} spellings`, pass: reached.length === 0, note: [...bySpelling].map(decodeURIComponent).join(', ').slice(0, 200) });
  report.figures(SECTION, { spellings: reg.accepted.length + reg.refused, refused: reg.refused, accepted: reg.accepted.length, signed_posts_reached_loopback: reached.length, spellings_that_reached: bySpelling.size });
}
