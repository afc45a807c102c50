import type { Deps } from '../deps.ts';
import type { StageResults } from '../verification/results/index.ts';
import { readStoredResults } from '../verification/results/read.ts';
import { loadSession } from './rows.ts';
import { sessionView, type VideoResults, videoView } from './views.ts';

export async function getSession(deps: Deps, projectId: string, id: string) {
  const s = await loadSession(deps.db, projectId, id);
  const [artifacts, stages] = await Promise.all([
    deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', s.id).where('project_id', '=', projectId).orderBy('created_at').execute(),
    deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', s.id).execute(),
  ]);
  return sessionView(deps, s, artifacts, stages);
}

/** The seed's video result; numeric fields come from the pipeline's stored stage results. */
export async function getVideo(deps: Deps, projectId: string, id: string) {
  const s = await loadSession(deps.db, projectId, id);
  const [video, stages] = await Promise.all([
    deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', s.id).where('project_id', '=', projectId).where('kind', '=', 'video').executeTakeFirst(),
    deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', s.id).where('status', '=', 'completed').execute(),
  ]);
  const { results, invalid } = readStoredResults(stages);
  for (const e of invalid) deps.log.warn('stored stage result refused', { session: s.id, stage: e.stage, err: e.message });
  const numbers = videoResults(results, video?.meta ?? null);
  // A live-agent session has no uploaded video: its duration is the call's (src/agents, live_calls).
  if (numbers.duration_seconds === null && s.profile.video_mode === 'live_agent') {
    const call = await deps.db.selectFrom('live_calls').select('duration_seconds').where('project_id', '=', projectId).where('session_id', '=', s.id).executeTakeFirst();
    if (call?.duration_seconds != null) numbers.duration_seconds = Math.round(call.duration_seconds);
  }
  return videoView(deps, s, video, numbers);
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Picks the seed's numbers out of (validated) stage results; missing stage → null. */
export function videoResults(stages: Pick<StageResults, 'probe' | 'face_match' | 'liveness' | 'speech'>, videoMeta: string | null): VideoResults {
  // Artifact meta is written by upload-artifact (untyped JSON): only a finite number is taken from it.
  const meta = videoMeta ? (JSON.parse(videoMeta) as { duration_seconds?: unknown }) : {};
  const probeDuration = num(stages.probe?.duration_seconds) ?? num(meta.duration_seconds);
  return {
    duration_seconds: probeDuration === null ? null : Math.round(probeDuration),
    face_match_score: num(stages.face_match?.face_match_score),
    liveness_score: num(stages.liveness?.liveness_score),
    transcript: stages.speech?.transcript ?? null,
  };
}
