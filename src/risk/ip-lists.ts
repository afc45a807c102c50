import { BlockList, isIP } from 'node:net';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import { unmapped } from '../config/trusted-proxies.ts';

// Operator-supplied IP lists: Tor exits, VPN and proxy endpoints, addresses seen in recent fraud.
// vkyc ships no such list (they go stale within days and the good ones are licensed); the operator
// imports them with `vkyc lists import|refresh` from whatever source they trust (docs/risk.md).
//
// File format: one IPv4/IPv6 address or CIDR per line; `#` starts a comment; blank lines are skipped.
// A line may carry its list name first (`tor 185.220.101.1`) so one file can fill several lists;
// a bare line goes to the list named on the command line.

export const IP_LISTS = ['tor', 'vpn', 'proxy', 'recent_fraud'] as const;
export type IpListName = (typeof IP_LISTS)[number];
/** project_id of entries that apply to every project. */
export const GLOBAL = '*';

interface ParsedEntry { list: IpListName; cidr: string }

/** Parses a list file; every bad line is reported with its number (nothing is imported then). */
export function parseIpListFile(text: string, defaultList: IpListName | null): ParsedEntry[] {
  const out: ParsedEntry[] = [];
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const parts = line.split(/[\s,]+/);
    const [list, addr] = parts.length >= 2 ? [parts[0]!, parts[1]!] : [defaultList, parts[0]!];
    if (!list || !(IP_LISTS as readonly string[]).includes(list)) return void bad.push(`line ${i + 1}: list name must be one of ${IP_LISTS.join(', ')}`);
    const cidr = normaliseCidr(addr);
    if (!cidr) return void bad.push(`line ${i + 1}: not an IP address or CIDR`);
    out.push({ list: list as IpListName, cidr });
  });
  if (bad.length) throw new AppError('validation_failed', `invalid IP list file: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ` (+${bad.length - 5} more)` : ''}`, { errors: bad.length });
  return out;
}

/** `1.2.3.4` → `1.2.3.4/32`; `10.0.0.0/8` stays; anything else → null. */
export function normaliseCidr(s: string): string | null {
  const [a, bits, extra] = s.split('/');
  if (extra !== undefined || !a) return null;
  const addr = unmapped(a);
  const fam = isIP(addr);
  if (fam === 0) return null;
  const max = fam === 4 ? 32 : 128;
  if (bits === undefined) return `${addr}/${max}`;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return `${addr}/${Number(bits)}`;
}

/**
 * Adds entries (`import`), or with `replace` swaps each named list's entries for the file's
 * (`refresh`) in one transaction, so a lookup never sees a half-refreshed list.
 */
export async function importIpList(db: Db, projectId: string, entries: ParsedEntry[], opts: { replace: boolean; source: string | null; now: Date }) {
  const lists = [...new Set(entries.map((e) => e.list))];
  return db.transaction().execute(async (tx) => {
    if (opts.replace && lists.length) await tx.deleteFrom('risk_ip_entries').where('project_id', '=', projectId).where('list', 'in', lists).execute();
    const unique = [...new Map(entries.map((e) => [`${e.list} ${e.cidr}`, e])).values()];
    // Batches keep each INSERT under SQLite's bound-parameter limit (32766; 5 columns × 1000).
    for (let i = 0; i < unique.length; i += 1000) {
      const rows = unique.slice(i, i + 1000).map((e) => ({ project_id: projectId, list: e.list, cidr: e.cidr, source: opts.source, created_at: iso(opts.now) }));
      await tx.insertInto('risk_ip_entries').values(rows).onConflict((oc) => oc.columns(['project_id', 'list', 'cidr']).doNothing()).execute();
    }
    const counts = await tx.selectFrom('risk_ip_entries').select(['list', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId).groupBy('list').execute();
    return Object.fromEntries(counts.map((c) => [c.list, Number(c.n)]));
  });
}

/** Compiled lists of one project (its own and the global entries), with the stamp they were built at. */
interface CompiledLists { stamp: string; match(ip: string): IpListName[] }
/** Per-process cache of compiled lists by project (owned by the risk runtime, not module state). */
export type IpListCache = Map<string, CompiledLists>;

/**
 * Which lists (project's and global) contain `ip`. With a cache the compiled lists are reused until
 * the entries change (count or newest created_at differ: every import and refresh moves one of
 * them); compiling 10 k entries per session cost ~100 ms, the stamp query well under 1 ms.
 */
export async function ipListsContaining(db: Db, projectId: string, ip: string, cache?: IpListCache): Promise<IpListName[]> {
  const scope = [projectId, GLOBAL];
  const st = await db.selectFrom('risk_ip_entries').select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('created_at').as('latest')])
    .where('project_id', 'in', scope).executeTakeFirst();
  const stamp = `${Number(st?.n ?? 0)}|${st?.latest ?? ''}`;
  const hit = cache?.get(projectId);
  if (hit && hit.stamp === stamp) return hit.match(ip);
  const rows = Number(st?.n ?? 0) ? await db.selectFrom('risk_ip_entries').select(['list', 'cidr']).where('project_id', 'in', scope).execute() : [];
  const compiled = { stamp, match: compileLists(rows) };
  cache?.set(projectId, compiled);
  return compiled.match(ip);
}

/** Pure matcher over loaded entries (BlockList does the CIDR arithmetic for both families). */
export function matchLists(rows: ReadonlyArray<{ list: string; cidr: string }>, rawIp: string): IpListName[] {
  return compileLists(rows)(rawIp);
}

function compileLists(rows: ReadonlyArray<{ list: string; cidr: string }>): (ip: string) => IpListName[] {
  const byList = new Map<string, BlockList>();
  for (const r of rows) {
    const [addr, bits] = r.cidr.split('/') as [string, string];
    const rf = isIP(addr);
    let bl = byList.get(r.list);
    if (!bl) byList.set(r.list, (bl = new BlockList()));
    bl.addSubnet(addr, Number(bits), rf === 6 ? 'ipv6' : 'ipv4');
  }
  return (rawIp) => {
    const ip = unmapped(rawIp);
    const fam = isIP(ip);
    if (fam === 0) return [];
    return IP_LISTS.filter((l) => byList.get(l)?.check(ip, fam === 6 ? 'ipv6' : 'ipv4'));
  };
}
