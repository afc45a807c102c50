import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { systemActor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import type { SessionRecord } from '../sessions/rows.ts';
import { recordStageFinished, recordStageStarted } from '../sessions/store.ts';
import type { ArtifactsTable } from '../storage/schema.ts';
import { FILE_MODE, makeScratchDir, scratchRoot } from '../storage/scratch.ts';
import { stageErrorCode } from './stage-errors.ts';

// The verify-session job: an ordered list of stages. Each stage's typed result (scores, evidence,
// timings) is saved as it finishes, so a retried job resumes after the last finished stage and the
// dashboard can show why a decision was taken. Stages that only produce scratch files (decoded
// frames) are `ephemeral`: cheap, and re-run on resume because scratch files do not survive.

export type StageResult = Record<string, unknown>;

export interface StageContext {
  deps: Deps;
  session: SessionRecord;
  artifacts: Map<string, ArtifactsTable>;
  /** Results of earlier stages, by stage name. */
  results: Record<string, StageResult>;
  /** Per-job scratch directory, removed when the job ends. */
  workDir: string;
  /** In-memory hand-over between stages of one run (decoded frame paths, embeddings); never stored. */
  scratch: Map<string, unknown>;
  signal: AbortSignal;
  /** Copies an artifact's blob into workDir (once) and returns the path; null when absent. */
  localFile(kind: string): Promise<string | null>;
}

export interface Stage {
  name: string;
  ephemeral?: boolean;
  run(ctx: StageContext): Promise<StageResult>;
}

export async function runStages(deps: Deps, session: SessionRecord, stages: Stage[], signal: AbortSignal): Promise<Record<string, StageResult>> {
  const db = deps.db;
  const artifacts = new Map((await db.selectFrom('artifacts').selectAll().where('session_id', '=', session.id).execute()).map((a) => [a.kind, a]));
  const done = await db.selectFrom('stage_runs').selectAll().where('session_id', '=', session.id).where('status', '=', 'completed').execute();
  const results: Record<string, StageResult> = Object.fromEntries(done.map((d) => [d.stage, d.result ? JSON.parse(d.result) : {}]));
  const workDir = await makeScratchDir(scratchRoot(deps.config.DATA_DIR), session.id);
  const files = new Map<string, string>();
  const ctx: StageContext = {
    deps, session, artifacts, results, workDir, signal, scratch: new Map(),
    async localFile(kind) {
      const a = artifacts.get(kind);
      if (!a) return null;
      const cached = files.get(kind);
      if (cached) return cached;
      const p = join(workDir, `artifact-${kind}`);
      await streamPipeline(await deps.blobs.get(a.blob_key), createWriteStream(p, { mode: FILE_MODE }));
      files.set(kind, p);
      return p;
    },
  };
  try {
    for (const stage of stages) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      if (results[stage.name] && !stage.ephemeral) continue;
      results[stage.name] = await runOne(deps, session, stage, ctx);
    }
    return results;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The pipeline writes as the system; the store refuses (session_erased) once the session is erased. */
async function runOne(deps: Deps, session: SessionRecord, stage: Stage, ctx: StageContext): Promise<StageResult> {
  const ref = { projectId: session.project_id, sessionId: session.id };
  const actor = systemActor(session.project_id, 'pipeline');
  await recordStageStarted(deps, ref, stage.name, actor);
  const t0 = performance.now();
  let result: StageResult;
  try {
    result = await stage.run(ctx);
  } catch (e) {
    // Stored and shown: a stable code only. The raw text (paths, ffmpeg stderr) stays in the logs.
    deps.log.warn('stage failed', { session: session.id, stage: stage.name, err: e instanceof Error ? e.message.slice(0, 1000) : String(e) });
    await recordStageFinished(deps, ref, stage.name, { status: 'failed', errorCode: stageErrorCode(e), durationMs: Math.round(performance.now() - t0) }, actor);
    throw e;
  }
  await recordStageFinished(deps, ref, stage.name, { status: 'completed', result, durationMs: Math.round(performance.now() - t0) }, actor);
  return result;
}
