import type { z } from 'zod';
import { StageResultError } from '../stage-errors.ts';
import { isResultName, STAGE_RESULTS, type ResultName, type ResultOf, type StageResults } from './index.ts';

// Stage results cross a trust boundary twice: when a stage hands its result over (it is stored as
// JSON) and when stored JSON is read back (by a resumed run, the views, the compat APIs). Both go
// through a schema here; what fails it is a StageResultError (`stage_result_invalid`).

/** Paths and zod codes of what failed (no values: results hold names and document numbers). */
function issuesOf(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ');
}

/** Parses `raw` (a JSON value) with `schema`, or throws the stage's StageResultError. */
export function checkResult<T>(stage: string, schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new StageResultError(stage, issuesOf(r.error));
  return r.data;
}

/** Stored stage_runs.result text → the validated value (null text, or text that is not JSON, is invalid). */
export function decodeResult<T>(stage: string, schema: z.ZodType<T>, json: string | null): T {
  let raw: unknown = null;
  if (json !== null) {
    try {
      raw = JSON.parse(json);
    } catch {
      throw new StageResultError(stage, 'not JSON');
    }
  }
  return checkResult(stage, schema, raw);
}

/** The stored result of pipeline stage `name`, validated by that stage's schema. */
export function decodeStageResult<N extends ResultName>(name: N, json: string | null): ResultOf<N> {
  // STAGE_RESULTS[N] is the schema of ResultOf<N>; TypeScript cannot follow a generic index into
  // the registry, so the schema is widened here and its output named again.
  return decodeResult(name, STAGE_RESULTS[name] as z.ZodType<unknown>, json) as ResultOf<N>;
}

function put<N extends ResultName>(out: StageResults, name: N, json: string | null): void {
  // StageResults[N] is ResultOf<N> | undefined; the mapped type's generic index needs naming again.
  (out as Record<N, ResultOf<N>>)[name] = decodeStageResult(name, json);
}

/**
 * Results of a session's completed pipeline stages from their stage_runs rows, each validated; a
 * row that fails is left out of `results` and listed in `invalid`. Rows of other stages
 * (`liveness_api`, test stages) are not pipeline results and are skipped.
 */
export function readStoredResults(rows: ReadonlyArray<{ stage: string; result: string | null }>): { results: StageResults; invalid: StageResultError[] } {
  const results: StageResults = {};
  const invalid: StageResultError[] = [];
  for (const row of rows) {
    if (!isResultName(row.stage)) continue;
    try {
      put(results, row.stage, row.result);
    } catch (e) {
      if (!(e instanceof StageResultError)) throw e;
      invalid.push(e);
    }
  }
  return { results, invalid };
}
