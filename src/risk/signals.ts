import { deviceSignals, type DeviceClaims, type DeviceFactor } from './device.ts';
import type { IpInfo } from './geoip.ts';
import { classifyHosting, type HostingVerdict } from './hosting.ts';
import type { IpListName } from './ip-lists.ts';
import { riskScore, type RiskFlag } from './policy.ts';
import { referringSignals, type ReferringSignals, type SessionSide } from './referring.ts';
import type { SpoofVerdict } from './spoofed-ip.ts';

// All risk signals of one session, computed from already-gathered facts (no I/O): the risk stage
// and a verify-face style endpoint both call this. Field names follow the Verisoul verify-face
// sample where it has one (device_network_signals, referring_session_signals, session_data,
// risk_flags, risk_score); 0/1 numbers where the sample uses them.

export interface RiskInput {
  at: Date;
  client: DeviceClaims & { ip_address?: string | null };
  /** Geolocation of client.ip_address (null: no address, private address, or not in the database). */
  ip: IpInfo | null;
  lists: readonly IpListName[];
  spoof: SpoofVerdict;
  referring: { session_id: string; side: SessionSide } | null;
}

interface RiskSignals {
  risk_flags: RiskFlag[];
  risk_score: number;
  factors: Array<{ flag: RiskFlag; weight: number }>;
  device_network_signals: {
    device_risk: number; proxy: 0 | 1; vpn: 0 | 1; datacenter: 0 | 1; tor: 0 | 1; spoofed_ip: 0 | 1; recent_fraud_ip: 0 | 1;
    /** 1: device timezone disagrees with the IP's; 0.5: only the browser languages do; else 0. */
    device_network_mismatch: number;
  };
  referring_session_signals: (Omit<ReferringSignals, 'travel'> & { referring_session_id: string }) | null;
  session_data: {
    network: { ip_address: string | null; service_provider: string | null; asn: number | null; connection_type: 'hosting' | 'isp' | null };
    location: { country_code: string | null; state: string | null; city: string | null; zip_code: string | null; timezone: string | null; latitude: number | null; longitude: number | null } | null;
    browser: ReturnType<typeof deviceSignals>['browser'];
    device: ReturnType<typeof deviceSignals>['device'];
  };
  details: { device_factors: DeviceFactor[]; hosting: HostingVerdict; spoof_reason: string | null; travel: ReferringSignals['travel'] };
}

const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

export function riskSignals(input: RiskInput): RiskSignals {
  const { ip } = input;
  const dev = deviceSignals(input.client, { country_code: ip?.country_code ?? null, timezone: ip?.timezone ?? null }, input.at);
  const hosting = ip ? classifyHosting(ip.asn, ip.as_org) : { datacenter: false, provider: null, rule: null };
  const has = (l: IpListName) => input.lists.includes(l);
  const ref = input.referring
    ? referringSignals({ ip: input.client.ip_address ?? null, latitude: ip?.latitude ?? null, longitude: ip?.longitude ?? null, user_agent: input.client.user_agent ?? null, device_timezone: input.client.timezone ?? null, at: input.at }, input.referring.side)
    : null;

  const flags: RiskFlag[] = [];
  const raise = (f: RiskFlag, on: boolean | 0 | 1) => void (on ? flags.push(f) : undefined);
  raise('tor', has('tor'));
  raise('recent_fraud_ip', has('recent_fraud'));
  raise('vpn', has('vpn'));
  raise('proxy', has('proxy'));
  raise('datacenter', hosting.datacenter);
  raise('spoofed_ip', input.spoof.spoofed);
  for (const f of dev.factors) flags.push(f.factor);
  if (ref) {
    raise('impossible_travel', ref.impossible_travel);
    raise('ip_mismatch', ref.ip_mismatch);
    raise('user_agent_mismatch', ref.user_agent_mismatch);
    raise('device_timezone_mismatch', ref.device_timezone_mismatch);
  }
  const score = riskScore(flags);
  const tzOff = dev.factors.some((f) => f.factor === 'timezone_mismatch');
  const langOff = dev.factors.some((f) => f.factor === 'language_mismatch');
  const { travel, ...refBits } = ref ?? { travel: null };
  return {
    risk_flags: score.factors.map((f) => f.flag),
    risk_score: score.risk_score,
    factors: score.factors,
    device_network_signals: {
      device_risk: dev.device_risk,
      proxy: bit(has('proxy')), vpn: bit(has('vpn')), datacenter: bit(hosting.datacenter), tor: bit(has('tor')),
      spoofed_ip: bit(input.spoof.spoofed), recent_fraud_ip: bit(has('recent_fraud')),
      device_network_mismatch: tzOff ? 1 : langOff ? 0.5 : 0,
    },
    referring_session_signals: ref && input.referring ? { referring_session_id: input.referring.session_id, ...(refBits as Omit<ReferringSignals, 'travel'>) } : null,
    session_data: {
      network: { ip_address: input.client.ip_address ?? null, service_provider: ip?.as_org ?? null, asn: ip?.asn ?? null, connection_type: ip?.asn != null ? (hosting.datacenter ? 'hosting' : 'isp') : null },
      location: ip ? { country_code: ip.country_code, state: ip.state, city: ip.city, zip_code: ip.zip_code, timezone: ip.timezone, latitude: ip.latitude, longitude: ip.longitude } : null,
      browser: dev.browser,
      device: dev.device,
    },
    details: { device_factors: dev.factors, hosting, spoof_reason: input.spoof.reason, travel },
  };
}
