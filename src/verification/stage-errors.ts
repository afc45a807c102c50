import { AppError } from '../domain/errors.ts';
import { MediaError } from '../engines/media/ffmpeg.ts';

// What a tenant sees of a stage that failed: a stable code and a short sentence. The raw error
// (ffmpeg stderr, file paths under DATA_DIR, stack traces) goes to the logs only: it describes our
// machine, not their session, and may name paths an attacker could use.

export const STAGE_ERRORS = {
  media_unreadable: 'the media could not be decoded',
  media_timeout: 'decoding the media took too long',
  engine_unavailable: 'an analysis engine is not available on this server',
  stage_failed: 'the analysis step failed; it is retried automatically',
  stage_result_invalid: 'a stored analysis result does not have the expected format; a reviewer must decide',
} as const;

export type StageErrorCode = keyof typeof STAGE_ERRORS;

/**
 * A stage result that does not match its stage's schema: one a stage just returned (a bug, caught
 * before it is stored) or one read back from stage_runs (written by another version, or edited).
 * Never trusted: the pipeline stops, views show the stage's error instead of its numbers. The
 * message names the stage and the paths of the wrong fields, never their values.
 */
export class StageResultError extends Error {
  readonly code = 'stage_result_invalid' as const;
  constructor(readonly stage: string, readonly issues: string) {
    super(`stage ${stage}: result does not match its schema (${issues})`);
  }
}

export function stageErrorCode(e: unknown): StageErrorCode {
  if (e instanceof StageResultError) return e.code;
  if (e instanceof MediaError) return e.code === 'tool_missing' ? 'engine_unavailable' : e.code;
  if (e instanceof AppError && (e.code === 'media_unreadable' || e.code === 'engine_unavailable')) return e.code;
  return 'stage_failed';
}

/** The stored `stage_runs.error` (a code; rows of older versions hold raw text) as the tenant sees it. */
export function publicStageError(stored: string | null): { error_code: StageErrorCode; error: string } | { error_code: null; error: null } {
  if (stored === null) return { error_code: null, error: null };
  const code: StageErrorCode = stored in STAGE_ERRORS ? (stored as StageErrorCode) : 'stage_failed';
  return { error_code: code, error: STAGE_ERRORS[code] };
}
