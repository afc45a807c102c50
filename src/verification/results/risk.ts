import { z } from 'zod';
import { RISK_FLAGS } from '../../risk/policy.ts';
import { findingsSchema } from './finding.ts';

const flag = z.enum(RISK_FLAGS);
const bit = z.union([z.literal(0), z.literal(1)]);
const n = <T extends z.ZodType>(t: T) => t.nullable();

/** `risk` when the server has no risk databases. */
const skipped = z.object({ skipped: z.literal(true), findings: findingsSchema });

/** `risk`: the session's network, device and referring signals (risk/signals.ts) and the policy applied. */
const assessed = z.object({
  skipped: z.undefined().optional(),
  risk_flags: z.array(flag),
  risk_score: z.number(),
  factors: z.array(z.object({ flag, weight: z.number() })),
  device_network_signals: z.object({
    device_risk: z.number(), proxy: bit, vpn: bit, datacenter: bit, tor: bit, spoofed_ip: bit, recent_fraud_ip: bit,
    device_network_mismatch: z.number(),
  }),
  referring_session_signals: z.object({
    referring_session_id: z.string(), impossible_travel: bit, ip_mismatch: bit, user_agent_mismatch: bit, device_timezone_mismatch: bit,
  }).nullable(),
  session_data: z.object({
    network: z.object({ ip_address: n(z.string()), service_provider: n(z.string()), asn: n(z.number()), connection_type: n(z.enum(['hosting', 'isp'])) }),
    location: z.object({
      country_code: n(z.string()), state: n(z.string()), city: n(z.string()), zip_code: n(z.string()), timezone: n(z.string()), latitude: n(z.number()), longitude: n(z.number()),
    }).nullable(),
    browser: z.object({ type: n(z.string()), version: n(z.string()), language: n(z.string()), user_agent: n(z.string()), timezone: n(z.string()) }),
    device: z.object({ category: z.string(), type: n(z.string()), os: n(z.string()), cpu_cores: n(z.number()), memory: n(z.number()), gpu: n(z.string()) }),
  }),
  details: z.object({
    device_factors: z.array(z.object({
      factor: z.enum(['automation', 'headless', 'emulator', 'virtual_camera', 'timezone_mismatch', 'language_mismatch']), weight: z.number(), evidence: z.string(),
    })),
    hosting: z.object({ datacenter: z.boolean(), provider: n(z.string()), rule: n(z.enum(['asn', 'name'])) }),
    spoof_reason: n(z.string()),
    travel: z.object({ km: z.number(), hours: z.number(), kmh: n(z.number()) }).nullable(),
  }),
  policy: z.object({ decline: z.array(flag), review: z.array(flag) }),
  compute_ms: z.number(),
  findings: findingsSchema,
});

export const riskResult = z.union([skipped, assessed]);
