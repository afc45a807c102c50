import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { systemActor } from '../domain/actor.ts';
import type { StageFinding } from '../domain/findings.ts';
import type { Deps } from '../deps.ts';
import type { SessionRecord } from '../sessions/rows.ts';
import { recordStageFinished, recordStageStarted } from '../sessions/store.ts';
import type { ArtifactsTable } from '../storage/schema.ts';
import { FILE_MODE, makeScratchDir, scratchRoot } from '../storage/scratch.ts';
import { isResultName, STAGE_RESULTS, type ResultName, type ResultOf } from './results/index.ts';
import { checkResult, decodeResult } from './results/read.ts';
import { Scratch } from './scratch.ts';
import { stageErrorCode } from './stage-errors.ts';

// The verify-session job: an ordered list of stages. Each stage's typed result (scores, evidence,
// timings) is saved as it finishes, so a retried job resumes after the last finished stage and the
// dashboard can show why a decision was taken. Stages that only produce scratch files (decoded
// frames) are `ephemeral`: cheap, and re-run on resume because scratch files do not survive.
// A stage declares the schema of its result and the earlier stages it reads (`inputs`); it reads
// them only through `ctx.input(name)`, typed by those stages' schemas and validated when stored
// JSON is read back (results/read.ts).

/** What every stage result may carry: the findings the decision policy turns into a decision. */
export interface StageOutput { findings?: StageFinding[]; [field: string]: unknown }

/** What every stage of a run shares (helpers that read no earlier result take only this). */
export interface RunContext {
  deps: Deps;
  session: SessionRecord;
  artifacts: Map<string, ArtifactsTable>;
  /** Per-job scratch directory, removed when the job ends. */
  workDir: string;
  /** In-memory hand-over between stages of one run (decoded frame paths, embeddings); never stored. */
  scratch: Scratch;
  signal: AbortSignal;
  /** Copies an artifact's blob into workDir (once) and returns the path; null when absent. */
  localFile(kind: string): Promise<string | null>;
}

export interface StageContext<I extends ResultName = never> extends RunContext {
  /** The validated result of an earlier stage this stage lists in `inputs`. */
  input<K extends I>(name: K): ResultOf<K>;
}

export interface Stage<R extends StageOutput = StageOutput, I extends ResultName = ResultName> {
  name: string;
  /** The schema of what `run` returns: checked before it is stored and when it is read back. */
  result: z.ZodType<R>;
  /** Earlier stages whose results `run` reads (checked against the order by checkPipeline). */
  inputs?: readonly I[];
  ephemeral?: boolean;
  /**
   * Starts as soon as its inputs have finished and runs alongside the stages listed after it; a
   * stage that lists it in `inputs` waits for it, the run waits for it at the end. For work that
   * uses other resources than its neighbours (speech's pocketsphinx processes next to the face
   * models' threads): on 2 cores the two overlap instead of queueing.
   */
  concurrent?: boolean;
  run(ctx: StageContext<I>): Promise<R>;
}

/**
 * `defineStage(schema)({ name, inputs, run })`: the schema fixes the result type first, so `run`'s
 * return is checked against it (literal fields keep their literal types); `inputs` types ctx.input.
 */
export const defineStage = <R extends StageOutput>(result: z.ZodType<R>) =>
  <I extends ResultName = never>(stage: Omit<Stage<R, I>, 'result'>): Stage<R, I> => ({ ...stage, result });

/**
 * Refuses a stage list in which a stage reads a result no earlier stage produces, a name appears
 * twice, or a pipeline stage's name (STAGE_RESULTS) comes with another schema than that stage's
 * (readers type `input(name)` by the registry). Called when the job handler is built (start-up).
 */
export function checkPipeline(stages: readonly Stage[]): void {
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.name)) throw new Error(`pipeline: stage ${s.name} appears twice`);
    if (isResultName(s.name) && (s.result as unknown) !== STAGE_RESULTS[s.name]) throw new Error(`pipeline: stage ${s.name} must declare the ${s.name} result schema (verification/results)`);
    for (const i of s.inputs ?? []) {
      if (!seen.has(i)) throw new Error(`pipeline: stage ${s.name} reads ${i}, which no earlier stage produces`);
    }
    seen.add(s.name);
  }
}

/** The results of one run by stage name; pipeline stages' results typed by their schemas. */
export class RunResults {
  readonly #byName = new Map<string, StageOutput>();

  set(name: string, value: StageOutput): void {
    this.#byName.set(name, value);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** checkPipeline binds a pipeline stage's name to its registry schema, which produced the value. */
  get<K extends ResultName>(name: K): ResultOf<K> | undefined {
    return this.#byName.get(name) as ResultOf<K> | undefined;
  }

  entries(): IterableIterator<[string, StageOutput]> {
    return this.#byName.entries();
  }
}

export async function runStages(deps: Deps, session: SessionRecord, stages: readonly Stage[], signal: AbortSignal): Promise<RunResults> {
  checkPipeline(stages);
  const db = deps.db;
  const artifacts = new Map((await db.selectFrom('artifacts').selectAll().where('session_id', '=', session.id).execute()).map((a) => [a.kind, a]));
  const done = await db.selectFrom('stage_runs').selectAll().where('session_id', '=', session.id).where('status', '=', 'completed').execute();
  const stored = new Map(done.map((d) => [d.stage, d.result]));
  const results = new RunResults();
  const workDir = await makeScratchDir(scratchRoot(deps.config.DATA_DIR), session.id);
  const files = new Map<string, string>();
  const ctx: StageContext<ResultName> = {
    deps, session, artifacts, workDir, signal, scratch: new Scratch(),
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
    input(name) {
      const r = results.get(name);
      if (r === undefined) throw new Error(`stage result ${name} read before its stage ran`); // checkPipeline rules this out
      return r;
    },
  };
  // A finished stage is not run again; its stored result is trusted only once its schema accepts it.
  const runOrResume = async (stage: Stage): Promise<StageOutput> => (stored.has(stage.name) && !stage.ephemeral
    ? decodeResult(stage.name, stage.result, stored.get(stage.name) ?? null)
    : runOne(deps, session, stage, ctx));
  const running = new Map<string, Promise<StageOutput>>();
  const start = (stage: Stage): void => {
    const p = runOrResume(stage).then((v) => (results.set(stage.name, v), v));
    p.catch(() => { /* awaited by its readers and at the end of the run */ });
    running.set(stage.name, p);
  };
  const inputsOf = async (stage: Stage): Promise<void> => {
    for (const i of stage.inputs ?? []) await running.get(i);
  };
  const startReady = (): void => {
    for (const s of stages) {
      if (s.concurrent && !running.has(s.name) && (s.inputs ?? []).every((i) => results.has(i))) start(s);
    }
  };
  try {
    for (const stage of stages) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      startReady();
      await inputsOf(stage);
      if (stage.concurrent) {
        if (!running.has(stage.name)) start(stage);
        continue;
      }
      results.set(stage.name, await runOrResume(stage));
    }
    await Promise.all(running.values());
    return results;
  } finally {
    // A concurrent stage may still be reading scratch files after another stage failed.
    await Promise.allSettled(running.values());
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The JSON to store and the value later stages see: the result after a JSON round trip (NaN becomes
 * null), validated by the stage's schema, so a run that continues and one that resumes read the same.
 */
function storedForm<R extends StageOutput>(stage: Stage<R>, result: R): { json: string; value: R } {
  const json = JSON.stringify(result);
  return { json, value: checkResult(stage.name, stage.result, JSON.parse(json)) };
}

/** The pipeline writes as the system; the store refuses (session_erased) once the session is erased. */
async function runOne(deps: Deps, session: SessionRecord, stage: Stage, ctx: StageContext<ResultName>): Promise<StageOutput> {
  const ref = { projectId: session.project_id, sessionId: session.id };
  const actor = systemActor(session.project_id, 'pipeline');
  await recordStageStarted(deps, ref, stage.name, actor);
  const t0 = performance.now();
  let result: { json: string; value: StageOutput };
  try {
    result = storedForm(stage, await stage.run(ctx));
  } catch (e) {
    // Stored and shown: a stable code only. The raw text (paths, ffmpeg stderr) stays in the logs.
    deps.log.warn('stage failed', { session: session.id, stage: stage.name, err: e instanceof Error ? e.message.slice(0, 1000) : String(e) });
    await recordStageFinished(deps, ref, stage.name, { status: 'failed', errorCode: stageErrorCode(e), durationMs: Math.round(performance.now() - t0) }, actor);
    deps.metrics?.stageFinished(stage.name, 'failed', (performance.now() - t0) / 1000);
    throw e;
  }
  await recordStageFinished(deps, ref, stage.name, { status: 'completed', resultJson: result.json, durationMs: Math.round(performance.now() - t0) }, actor);
  deps.metrics?.stageFinished(stage.name, 'completed', (performance.now() - t0) / 1000);
  return result.value;
}
