import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import { continentOf } from '../../risk/continent.ts';
import { RISK_FLAGS, RISK_WEIGHTS, type RiskFlag } from '../../risk/policy.ts';
import type { SessionRecord } from '../../sessions/rows.ts';
import { signedMediaUrl } from '../../sessions/views.ts';

// The Verisoul verify-face answer (seed 003) of a decided vkyc session, built only from what the
// pipeline stored: the session row (ids, decision), the `risk` stage result (network, device and
// referring-session signals, risk/signals.ts), the `duplicates` stage result (linked accounts,
// repeat/block findings) and the stored face evidence (photo_urls). Nothing is recomputed, so the
// answer is the one the decision was taken on, and repeated calls agree. docs/migrate-from-verisoul.md
// lists every field's source.

/** vkyc's decision → Verisoul's: approved is Real, a human must look is Suspicious, declined is Fake. */
export const DECISIONS: Record<string, 'Real' | 'Suspicious' | 'Fake'> = { approved: 'Real', needs_review: 'Suspicious', declined: 'Fake' };

/**
 * Weights of the duplicates stage's findings in the answer's risk_score, on the risk policy's
 * scale (risk/policy.ts RISK_WEIGHTS: how directly a flag implies fraud, combined 1 − Π(1 − w)).
 * A face already verified under another account is as strong as a Tor exit (0.8, which is also the
 * seed sample's score for repeat_face alone); a block-list hit is the operator's own verdict (0.9),
 * except an IP, which an office or a carrier NAT shares (0.5).
 */
export const FACE_FLAG_WEIGHTS = { repeat_face: 0.8, blocked_face: 0.9, blocked_account: 0.9, blocked_document: 0.9, blocked_ip: 0.5 } as const;
type FaceFlag = keyof typeof FACE_FLAG_WEIGHTS;

// The stage results as stored (risk/signals.ts, duplicates/find-duplicates.ts), validated on read:
// only the parts the answer uses; anything else a later version stores passes.
const n = z.number().nullable().optional();
const t = z.string().nullable().optional();
const storedRisk = z.looseObject({
  skipped: z.boolean().optional(),
  risk_flags: z.array(z.enum(RISK_FLAGS)).default([]),
  device_network_signals: z.looseObject({
    device_risk: z.number(), proxy: z.number(), vpn: z.number(), datacenter: z.number(), tor: z.number(),
    spoofed_ip: z.number(), recent_fraud_ip: z.number(), device_network_mismatch: z.number(),
  }).optional(),
  referring_session_signals: z.looseObject({ impossible_travel: z.number(), ip_mismatch: z.number(), user_agent_mismatch: z.number() }).nullable().optional(),
  session_data: z.looseObject({
    network: z.looseObject({ ip_address: t, service_provider: t, connection_type: t }),
    location: z.looseObject({ country_code: t, state: t, city: t, zip_code: t, timezone: t, latitude: n, longitude: n }).nullable(),
    browser: z.looseObject({ type: t, version: t, language: t, user_agent: t, timezone: t }),
    device: z.looseObject({ category: t, type: t, os: t, cpu_cores: n, memory: n, gpu: t }),
  }).optional(),
});
const storedDuplicates = z.looseObject({
  template_source: z.enum(['video', 'selfie']).nullable().optional(),
  matches: z.looseObject({ accounts_linked: z.array(z.looseObject({ account_id: z.string(), match_types: z.array(z.string()) })) }).optional(),
  findings: z.array(z.looseObject({ code: z.string() })).default([]),
});

function parseStored<S extends z.ZodType>(schema: S, stage: string, text: string | null | undefined): z.infer<S> | null {
  if (!text) return null;
  const r = schema.safeParse(JSON.parse(text));
  // A stored result that does not read is a server fault, not the client's: 500 with the stage named in the log.
  if (!r.success) throw new Error(`stage_runs.result of ${stage} does not match its schema: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
}

/** Flags and score: the risk stage's raised flags plus the duplicates findings, strongest first. */
export function combinedRisk(riskFlags: readonly RiskFlag[], faceFindings: readonly string[]) {
  const weights = new Map<string, number>(riskFlags.map((f) => [f, RISK_WEIGHTS[f]]));
  for (const code of faceFindings) if (code in FACE_FLAG_WEIGHTS) weights.set(code, FACE_FLAG_WEIGHTS[code as FaceFlag]);
  const flags = [...weights.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const keep = flags.reduce((p, [, w]) => p * (1 - w), 1);
  return { risk_flags: flags.map(([f]) => f), risk_score: Math.round((1 - keep) * 1e4) / 1e4 };
}

/** The seed's device.type for a Mac is "Mac" (ua-parser: "Macintosh"); other desktops have no model, so the OS names them. */
function deviceType(model: string | null | undefined, os: string | null | undefined): string | null {
  if (model === 'Macintosh') return 'Mac';
  if (model) return model;
  const name = os ?? '';
  if (name.startsWith('Mac OS')) return 'Mac';
  if (name.startsWith('Windows')) return 'Windows PC';
  if (name.startsWith('Chromium OS') || name.startsWith('Chrome OS')) return 'Chromebook';
  if (name.startsWith('Linux') || name.startsWith('Ubuntu') || name.startsWith('Fedora') || name.startsWith('Debian')) return 'Linux PC';
  return null;
}

/** The seed writes Apple's current name ("macOS 10.15.7"); ua-parser 1.x says "Mac OS". */
const osName = (os: string | null | undefined) => (os ? os.replace(/^Mac OS\b/, 'macOS') : null);

/** Which stored face image the answer links: the one the template was taken from. */
const FACE_EVIDENCE = { video: 'evidence_video_face_1', selfie: 'evidence_selfie_face' } as const;

export async function verisoulAnswer(deps: Deps, s: SessionRecord, requestId: string) {
  const decision = s.status === 'completed' && s.result ? DECISIONS[s.result] : undefined;
  if (!decision) {
    throw new AppError('session_not_decided', `the session is ${s.status} and has no decision yet; call again after its video.completed webhook`);
  }
  const runs = await deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', s.id).where('status', '=', 'completed').where('stage', 'in', ['risk', 'duplicates']).execute();
  const riskRun = parseStored(storedRisk, 'risk', runs.find((x) => x.stage === 'risk')?.result);
  const risk = riskRun && !riskRun.skipped ? riskRun : null;
  const dup = parseStored(storedDuplicates, 'duplicates', runs.find((x) => x.stage === 'duplicates')?.result) ?? { findings: [] };
  const combined = combinedRisk(risk?.risk_flags ?? [], dup.findings.map((f) => f.code));

  const kinds = dup.template_source ? [FACE_EVIDENCE[dup.template_source]] : [FACE_EVIDENCE.video, FACE_EVIDENCE.selfie];
  const arts = await deps.db.selectFrom('artifacts').select('kind').where('session_id', '=', s.id).where('kind', 'in', kinds).execute();
  const face = kinds.find((k) => arts.some((a) => a.kind === k));

  const dn = risk?.device_network_signals;
  const ref = risk?.referring_session_signals;
  const sd = risk?.session_data;
  const loc = sd?.location;
  const accounts = dup.matches?.accounts_linked ?? [];
  return {
    metadata: {
      project_id: s.project_id,
      session_id: s.id,
      account_id: s.account_id,
      referring_session_id: s.referring_session_id,
      request_id: requestId,
      timestamp: deps.clock.now().toISOString(),
    },
    decision,
    risk_score: combined.risk_score,
    risk_flags: combined.risk_flags,
    device_network_signals: {
      device_risk: dn?.device_risk ?? 0, proxy: dn?.proxy ?? 0, vpn: dn?.vpn ?? 0, datacenter: dn?.datacenter ?? 0, tor: dn?.tor ?? 0,
      spoofed_ip: dn?.spoofed_ip ?? 0, recent_fraud_ip: dn?.recent_fraud_ip ?? 0, device_network_mismatch: dn?.device_network_mismatch ?? 0,
    },
    // Without a referring session nothing can mismatch: 0, as Verisoul answers.
    referring_session_signals: { impossible_travel: ref?.impossible_travel ?? 0, ip_mismatch: ref?.ip_mismatch ?? 0, user_agent_mismatch: ref?.user_agent_mismatch ?? 0 },
    photo_urls: { face: face ? signedMediaUrl(deps, `/v1/sessions/${s.id}/media/${face}`) : null },
    session_data: {
      network: { ip_address: sd?.network.ip_address ?? null, service_provider: sd?.network.service_provider ?? null, connection_type: sd?.network.connection_type ?? null },
      location: {
        continent: continentOf(loc?.country_code), country_code: loc?.country_code ?? null, state: loc?.state ?? null, city: loc?.city ?? null,
        zip_code: loc?.zip_code ?? null, timezone: loc?.timezone ?? null, latitude: loc?.latitude ?? null, longitude: loc?.longitude ?? null,
      },
      browser: { type: sd?.browser.type ?? null, version: sd?.browser.version ?? null, language: sd?.browser.language ?? null, user_agent: sd?.browser.user_agent ?? null, timezone: sd?.browser.timezone ?? null },
      device: {
        category: sd?.device.category ?? null, type: deviceType(sd?.device.type, sd?.device.os), os: osName(sd?.device.os),
        cpu_cores: sd?.device.cpu_cores ?? null, memory: sd?.device.memory ?? null, gpu: sd?.device.gpu ?? null,
      },
    },
    matches: { num_accounts_linked: accounts.length, accounts_linked: accounts.map((a) => ({ account_id: a.account_id, match_types: a.match_types })) },
  };
}
