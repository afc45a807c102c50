// Attempt bookkeeping for the spoken-phrase ("willingness") step (pure). The records follow the
// VideoVerify `willingRetryRecords.retryRecords` shape: { status, userInput, attemptNumber }.

export type AttemptStatus = 'SUCCESS' | 'WRONG_ANSWER' | 'NO_SPEECH' | 'UNAVAILABLE';

export interface Attempt { status: AttemptStatus; userInput: string; attemptNumber: number }

/**
 * - `passed`: the last attempt was SUCCESS.
 * - `retry`: ask the user again (`remaining` attempts left).
 * - `LIMIT_EXCEEDED`: the maximum was reached without SUCCESS.
 * - `needs_review`: no engine could judge the phrase (UNAVAILABLE): a human listens instead;
 *   never an automatic success.
 */
type AttemptState = 'passed' | 'retry' | 'LIMIT_EXCEEDED' | 'needs_review';

export interface AttemptOutcome { attempts: Attempt[]; state: AttemptState; remaining: number }

/** Default number of tries, as in the VideoVerify flow (3). */
export const DEFAULT_MAX_ATTEMPTS = 3;

export class AttemptsClosedError extends Error {
  constructor(state: AttemptState) {
    super(`phrase attempts already closed (${state})`);
    this.name = 'AttemptsClosedError';
  }
}

function stateOf(attempts: Attempt[], maxAttempts: number): AttemptState {
  const last = attempts.at(-1);
  if (last?.status === 'SUCCESS') return 'passed';
  if (last?.status === 'UNAVAILABLE') return 'needs_review';
  return attempts.length >= maxAttempts ? 'LIMIT_EXCEEDED' : 'retry';
}

/** The state of a list of records read back from storage. */
export function attemptState(attempts: Attempt[], maxAttempts = DEFAULT_MAX_ATTEMPTS): AttemptOutcome {
  return { attempts, state: stateOf(attempts, maxAttempts), remaining: Math.max(0, maxAttempts - attempts.length) };
}

/**
 * Appends the result of one verification as the next attempt record. Throws AttemptsClosedError
 * when the previous records already ended the step (passed, limit reached, or sent to review).
 */
export function recordAttempt(
  previous: Attempt[],
  result: { status: AttemptStatus; userInput: string | null },
  maxAttempts = DEFAULT_MAX_ATTEMPTS,
): AttemptOutcome {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
  if (previous.length) {
    const before = stateOf(previous, maxAttempts);
    if (before !== 'retry') throw new AttemptsClosedError(before);
  }
  const attempts = [...previous, { status: result.status, userInput: result.userInput ?? '', attemptNumber: previous.length + 1 }];
  return attemptState(attempts, maxAttempts);
}
