import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ipListsContaining, type IpListName } from '../../risk/ip-lists.ts';
import type { IpInfo } from '../../risk/geoip.ts';
import { policyAction, type RiskFlag, type RiskPolicy } from '../../risk/policy.ts';
import type { SessionSide } from '../../risk/referring.ts';
import { riskSignals, type RiskInput } from '../../risk/signals.ts';
import { spoofedIp } from '../../risk/spoofed-ip.ts';
import { clientInfoBody } from '../../sessions/schemas.ts';
import type { FindingCode, StageFinding } from '../../domain/findings.ts';
import { defineStage } from '../pipeline.ts';
import { riskResult } from '../results/risk.ts';

// The risk stage: network, device and referring-session signals of the session (risk/signals.ts)
// become findings by the risk policy: each raised flag the policy lists becomes `risk_<flag>` with
// the policy's severity; flags it does not list only raise risk_score.

/** Stored client info as saveClientInfo wrote it (validated on read; unknown keys from other versions pass). */
const storedClientInfo = z.looseObject({
  ...clientInfoBody.partial().shape,
  ip_address: z.string().nullable().optional(),
  socket_ip: z.string().nullable().optional(),
  forwarded_for: z.string().nullable().optional(),
  received_at: z.string().optional(),
});
type StoredClientInfo = z.infer<typeof storedClientInfo>;

const readClient = (raw: unknown): StoredClientInfo => {
  const r = storedClientInfo.safeParse(raw ?? {});
  if (!r.success) throw new Error(`sessions.client_info does not match its schema: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
};

function locate(deps: Deps, ip: string | null | undefined): IpInfo | null {
  if (!ip || !deps.risk) return null;
  try {
    return deps.risk.geoip.lookup(ip);
  } catch (e) {
    // An address the databases cannot answer for (malformed) is no location, not a failed verification.
    deps.log.warn('ip lookup failed', { err: e instanceof Error ? e.message : String(e) });
    return null;
  }
}

async function referringSide(deps: Deps, projectId: string, id: string): Promise<SessionSide | null> {
  const row = await deps.db.selectFrom('sessions').select(['client_info', 'created_at']).where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  if (!row) return null;
  const c = readClient(row.client_info ? JSON.parse(row.client_info) : {});
  const geo = locate(deps, c.ip_address);
  return { ip: c.ip_address ?? null, latitude: geo?.latitude ?? null, longitude: geo?.longitude ?? null, user_agent: c.user_agent ?? null, device_timezone: c.timezone ?? null, at: new Date(c.received_at ?? row.created_at) };
}

/** Gathers the facts (database look-ups) and computes the signals; shared by the stage and a verify-face route. */
export async function sessionRiskSignals(deps: Deps, session: { id: string; project_id: string; client_info: unknown; referring_session_id: string | null; created_at: string }) {
  const t0 = performance.now();
  const client = readClient(session.client_info);
  const ipAddr = client.ip_address ?? null;
  const lists: IpListName[] = ipAddr ? await ipListsContaining(deps.db, session.project_id, ipAddr, deps.risk?.lists) : [];
  const refSide = session.referring_session_id ? await referringSide(deps, session.project_id, session.referring_session_id) : null;
  const input: RiskInput = {
    at: new Date(client.received_at ?? session.created_at),
    client,
    ip: locate(deps, ipAddr),
    lists,
    spoof: spoofedIp(client.socket_ip ?? null, client.forwarded_for ?? null, (a) => deps.risk?.trusted.has(a) ?? false),
    referring: refSide && session.referring_session_id ? { session_id: session.referring_session_id, side: refSide } : null,
  };
  const signals = riskSignals(input);
  return { ...signals, compute_ms: Math.round((performance.now() - t0) * 100) / 100 };
}

export function riskFindings(flags: readonly RiskFlag[], policy: RiskPolicy, details: Record<string, unknown>): StageFinding[] {
  const out: StageFinding[] = [];
  for (const f of flags) {
    const action = policyAction(policy, f);
    // Every risk flag has its finding code (domain/findings.ts): a new flag without one does not compile.
    if (action) out.push({ code: `risk_${f}` as const satisfies FindingCode, message: `risk signal ${f.replaceAll('_', ' ')} (policy: ${action})`, severity: action, details: details[f] ?? null });
  }
  return out;
}

export const riskStage = defineStage(riskResult)({
  name: 'risk',
  async run(ctx) {
    const { deps, session } = ctx;
    if (!deps.risk) return { skipped: true, findings: [] };
    const s = await sessionRiskSignals(deps, session);
    const policy = (await deps.risk.policyFor?.(session.project_id)) ?? deps.risk.policy;
    const byFlag: Record<string, unknown> = {
      ...Object.fromEntries(s.details.device_factors.map((f) => [f.factor, { evidence: f.evidence }])),
      datacenter: s.details.hosting, spoofed_ip: { reason: s.details.spoof_reason }, impossible_travel: s.details.travel,
    };
    return { ...s, policy, findings: riskFindings(s.risk_flags, policy, byFlag) };
  },
});
