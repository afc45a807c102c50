import type { TrustedProxies } from '../config/trusted-proxies.ts';
import { createGeoIp, type GeoIp } from './geoip.ts';
import type { IpListCache } from './ip-lists.ts';
import type { RiskConfig } from './config.ts';
import type { RiskPolicy } from './policy.ts';

/** What the risk stage needs from the outside: the IP databases, the policy, the trusted proxies. */
export interface RiskRuntime {
  geoip: GeoIp;
  /** Process-wide policy (RISK_POLICY or the default in policy.ts). */
  policy: RiskPolicy;
  /**
   * A project's own policy, when a per-project settings store provides one (wire it in main.ts);
   * absent or resolving to null → `policy`.
   */
  policyFor?: (projectId: string) => Promise<RiskPolicy | null>;
  trusted: TrustedProxies;
  lists: IpListCache;
}

export function createRiskRuntime(cfg: RiskConfig, trusted: TrustedProxies): RiskRuntime {
  return { geoip: createGeoIp(cfg.geoip), policy: cfg.policy, trusted, lists: new Map() };
}
