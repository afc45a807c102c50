import { createHash } from 'node:crypto';

// One serialisation for everything that is hashed or signed (audit records, the evidence pack):
// object keys sorted, no whitespace, JSON's own number and string spelling (ECMAScript's, the
// same in every JSON.stringify). A verifier in another language reproduces it from the JSON alone
// (it is RFC 8785 for the values we write: strings, integers, finite decimals, booleans, null).

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON: non-finite number');
    if (value === undefined) throw new Error('canonical JSON: undefined has no JSON form');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
