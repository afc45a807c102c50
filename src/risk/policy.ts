import { z } from 'zod';

// Risk flags, what each weighs in risk_score, and what each does to the decision by default.
// Weights are the probability-like strength of one flag alone; several combine as
// 1 − Π(1 − w) (a noisy-OR: independent pieces of evidence, never above 1, order-free).
// The numbers are a starting point chosen by how directly each flag implies fraud, not fitted to
// data (vkyc has no labelled fraud traffic): a Tor exit or a known-fraud address is near-certain
// concealment; a datacenter address or a timezone mismatch has many innocent explanations
// (corporate VPNs, travellers). Operators move flags between decline/review/none with RISK_POLICY.

export const RISK_FLAGS = [
  'tor', 'recent_fraud_ip', 'vpn', 'proxy', 'datacenter', 'spoofed_ip',
  'automation', 'headless', 'emulator', 'virtual_camera',
  'timezone_mismatch', 'language_mismatch',
  'impossible_travel', 'ip_mismatch', 'user_agent_mismatch', 'device_timezone_mismatch',
] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

export const RISK_WEIGHTS: Record<RiskFlag, number> = {
  tor: 0.8,
  recent_fraud_ip: 0.8,
  automation: 0.8, // navigator.webdriver: a script drives the browser
  headless: 0.7,
  virtual_camera: 0.6,
  spoofed_ip: 0.5,
  impossible_travel: 0.5,
  emulator: 0.5,
  vpn: 0.4,
  proxy: 0.4,
  datacenter: 0.3,
  user_agent_mismatch: 0.2,
  device_timezone_mismatch: 0.2,
  timezone_mismatch: 0.2,
  ip_mismatch: 0.1, // a new IP between two sessions is ordinary (mobile networks, home → office)
  language_mismatch: 0.1,
};

const flag = z.enum(RISK_FLAGS);
export const riskPolicySchema = z.strictObject({
  decline: z.array(flag).default([]),
  review: z.array(flag).default([]),
}).refine((p) => !p.decline.some((f) => p.review.includes(f)), { message: 'a flag cannot be in both decline and review' });
export type RiskPolicy = z.infer<typeof riskPolicySchema>;

/**
 * Default: decline what is near-certain concealment or automation; send to a human what has
 * innocent explanations but deserves a look; weak mismatches only raise risk_score.
 */
export const DEFAULT_RISK_POLICY: RiskPolicy = {
  decline: ['tor', 'recent_fraud_ip', 'automation'],
  review: ['vpn', 'proxy', 'spoofed_ip', 'headless', 'emulator', 'virtual_camera', 'impossible_travel'],
};

export function policyAction(policy: RiskPolicy, f: RiskFlag): 'decline' | 'review' | null {
  if (policy.decline.includes(f)) return 'decline';
  if (policy.review.includes(f)) return 'review';
  return null;
}

/** 1 − Π(1 − w) over the raised flags, rounded to 4 places; the factors list each flag's weight. */
export function riskScore(flags: readonly RiskFlag[]): { risk_score: number; factors: Array<{ flag: RiskFlag; weight: number }> } {
  const factors = [...new Set(flags)].map((f) => ({ flag: f, weight: RISK_WEIGHTS[f] })).sort((a, b) => b.weight - a.weight);
  const keep = factors.reduce((p, f) => p * (1 - f.weight), 1);
  return { risk_score: Math.round((1 - keep) * 1e4) / 1e4, factors };
}
