import { signMediaPath } from '../domain/signing.ts';
import type { Deps } from '../deps.ts';
import type { ArtifactsTable, StageRunsTable } from '../storage/schema.ts';
import type { ResultOf, StageResults } from '../verification/results/index.ts';
import { readStoredResults } from '../verification/results/read.ts';
import { publicStageError, STAGE_ERRORS } from '../verification/stage-errors.ts';
import { mintCaptureToken } from './capture-token.ts';
import type { SessionRecord } from './rows.ts';

// API shapes of a session. Numbers that a later stage computes are null until that stage ran —
// never invented.

export function captureUrl(deps: Pick<Deps, 'config' | 'secret'>, s: SessionRecord): string {
  return `${deps.config.PUBLIC_URL}/capture/${mintCaptureToken(deps.secret, s.id, s.project_id, new Date(s.expires_at))}`;
}

export function signedMediaUrl(deps: Pick<Deps, 'config' | 'secret' | 'clock'>, path: string): string {
  const exp = Math.floor(deps.clock.now().getTime() / 1000) + deps.config.MEDIA_URL_TTL_SECONDS;
  return `${deps.config.PUBLIC_URL}${path}?exp=${exp}&sig=${signMediaPath(deps.secret, path, exp)}`;
}

const mediaPath = (s: SessionRecord, kind: string) => `/v1/sessions/${s.id}/media/${kind}`;

export function sessionView(
  deps: Pick<Deps, 'config' | 'secret' | 'clock'>,
  s: SessionRecord,
  artifacts: ArtifactsTable[],
  stages: StageRunsTable[],
) {
  const open = s.status === 'pending' || s.status === 'in_progress';
  const { results, invalid } = readStoredResults(stages.filter((st) => st.status === 'completed'));
  const refused = new Set(invalid.map((e) => e.stage));
  return {
    id: s.id,
    object: 'session' as const,
    status: s.status,
    /**
     * The aggregate's state, finer than `status`: `awaiting_agent`/`in_call` (status in_progress),
     * `failed` (verification could not finish: status completed, result needs_review).
     */
    state: s.state,
    result: s.result,
    reasons: s.decision?.reasons ?? [],
    decision: s.decision,
    profile: s.profile,
    capture_url: open ? captureUrl(deps, s) : null,
    redirect_url: s.redirect_url,
    external_id: s.external_id,
    account_id: s.account_id,
    referring_session_id: s.referring_session_id,
    metadata: s.metadata,
    expected_data: s.expected_data,
    client_info: s.client_info,
    capture_plan: s.capture_plan,
    face_match: faceMatchOf(results.face_match),
    artifacts: artifacts.map((a) => ({
      kind: a.kind,
      content_type: a.content_type,
      bytes: a.bytes,
      meta: a.meta ? JSON.parse(a.meta) : null,
      created_at: a.created_at,
      url: signedMediaUrl(deps, mediaPath(s, a.kind)),
    })),
    risk: riskOf(results.risk),
    verification: {
      stages: stages.map((st) => ({
        stage: st.stage,
        status: st.status,
        attempts: st.attempts,
        started_at: st.started_at,
        finished_at: st.finished_at,
        duration_ms: st.duration_ms,
        // A stored result that fails its schema is not shown: the stage shows the error instead.
        ...(refused.has(st.stage)
          ? { result: null, error_code: 'stage_result_invalid' as const, error: STAGE_ERRORS.stage_result_invalid }
          : { result: st.result ? JSON.parse(st.result) : null, ...publicStageError(st.error) }),
      })),
    },
    expires_at: s.expires_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
    completed_at: s.completed_at,
    recorded_at: s.recorded_at,
    reviewed_at: s.reviewed_at,
    /** Who took the human decision, from authentication (name_source says where a name came from). */
    reviewed_by: s.reviewed_by,
    review_claim: s.review_claim,
  };
}

/** The seed's download URL shape: `/api/v1/sessions/{id}/video/download`, signed, expiring (1 h default). */
export const videoDownloadPath = (sessionId: string) => `/api/v1/sessions/${sessionId}/video/download`;

/**
 * The seed's video status has four values (pending, in_progress, completed, expired). vkyc's
 * `processing` (video received, pipeline running) is still in progress for the video step, and a
 * `canceled` session can no more be completed than an expired one.
 */
const SEED_VIDEO_STATUS: Record<SessionRecord['status'], 'pending' | 'in_progress' | 'completed' | 'expired'> = {
  pending: 'pending', in_progress: 'in_progress', processing: 'in_progress', completed: 'completed', expired: 'expired', canceled: 'expired',
};

/** `GET /v1/sessions/{id}/video` (and its `/api/v1` alias): exactly the seed's fields and values. */
export function videoView(deps: Pick<Deps, 'config' | 'secret' | 'clock'>, s: SessionRecord, video: ArtifactsTable | undefined, results: VideoResults) {
  return {
    session_id: s.id,
    video_mode: s.profile.video_mode,
    status: SEED_VIDEO_STATUS[s.status],
    result: s.result,
    video_url: video ? signedMediaUrl(deps, videoDownloadPath(s.id)) : null,
    duration_seconds: results.duration_seconds,
    face_match_score: results.face_match_score,
    liveness_score: results.liveness_score,
    transcript: results.transcript,
    recorded_at: s.recorded_at,
    reviewed_at: s.reviewed_at,
    agent_id: s.agent_id,
    agent_notes: s.agent_notes,
  };
}

export interface VideoResults {
  duration_seconds: number | null;
  face_match_score: number | null;
  liveness_score: number | null;
  transcript: string | null;
}

type PairView = { score: number; threshold: number; decline_below: number; outcome: 'match' | 'review' | 'mismatch' };
const PAIRS = ['video_selfie', 'video_document', 'selfie_document'] as const;

/**
 * Every face comparison by name with its score and threshold (issue 13: explainable scores); a pair
 * is null when one of its two sides was not captured or had no usable face. null until the
 * face_match stage ran. `face_match_score` is the video result's number: the lowest of the pairs
 * that include the video face, or selfie↔document when there is no video.
 */
export function faceMatchView(stages: StageRunsTable[]) {
  return faceMatchOf(readStoredResults(stages.filter((st) => st.status === 'completed')).results.face_match);
}

function faceMatchOf(r: ResultOf<'face_match'> | undefined) {
  if (!r) return null;
  const threshold = r.threshold;
  const pairOf = (name: (typeof PAIRS)[number]): PairView | null => {
    const p = r.pairs.find((x) => `${x.a}_${x.b}` === name);
    // Results stored before pairs carried their own threshold: the stage threshold applied to all.
    return p ? {
      score: p.score, threshold: p.threshold ?? threshold, decline_below: p.decline_below ?? threshold,
      outcome: p.outcome ?? (p.score >= threshold ? 'match' : 'mismatch'),
    } : null;
  };
  const pairs = { video_selfie: pairOf('video_selfie'), video_document: pairOf('video_document'), selfie_document: pairOf('selfie_document') };
  return { face_match_score: r.face_match_score, threshold, pairs };
}

/**
 * The `risk` section: the risk stage's signals (risk/signals.ts, Verisoul verify-face field names),
 * null until that stage ran.
 */
function riskOf(r: StageResults['risk']) {
  if (!r || r.skipped) return null;
  return {
    risk_score: r.risk_score, risk_flags: r.risk_flags, factors: r.factors,
    device_network_signals: r.device_network_signals, referring_session_signals: r.referring_session_signals,
    session_data: r.session_data, details: r.details, policy: r.policy, compute_ms: r.compute_ms,
    // CC BY 4.0 asks for attribution wherever the data is shown (docs/risk.md).
    attribution: 'IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0; ASN data: RouteViews, NRO, DB-IP',
  };
}
