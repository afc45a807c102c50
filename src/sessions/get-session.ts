import type { Deps } from '../deps.ts';
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
  const results = Object.fromEntries(stages.map((st) => [st.stage, st.result ? JSON.parse(st.result) : null])) as Record<string, Record<string, unknown> | null>;
  return videoView(deps, s, video, videoResults(results, video?.meta ?? null));
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Picks the seed's numbers out of stage results; missing stage → null. */
export function videoResults(stages: Record<string, Record<string, unknown> | null>, videoMeta: string | null): VideoResults {
  const meta = videoMeta ? (JSON.parse(videoMeta) as { duration_seconds?: number }) : {};
  const probeDuration = num(stages.probe?.duration_seconds) ?? num(meta.duration_seconds);
  return {
    duration_seconds: probeDuration === null ? null : Math.round(probeDuration),
    face_match_score: num(stages.face_match?.face_match_score),
    liveness_score: num(stages.liveness?.liveness_score),
    transcript: typeof stages.speech?.transcript === 'string' ? stages.speech.transcript : null,
  };
}
