import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { CHALLENGE_TYPES, challengeInstruction, pickChallenges } from '../domain/liveness-challenges.ts';
import { LANGUAGES } from '../domain/languages.ts';
import { captureActor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import { readBlob } from '../storage/blob-port.ts';
import { decodeImage } from '../engines/face/image.ts';
import { createDbNonceStore } from '../liveness/db-nonce-store.ts';
import { DEFAULT_TOKEN_TTL_SECONDS, signChallengeToken, verifyChallengeToken } from '../liveness/token.ts';
import { verifyLiveness } from '../liveness/verify.ts';
import type { LivenessVerifyBody } from '../liveness/schema.ts';
import { loadSession, type SessionRecord } from './rows.ts';
import { recordLivenessCheck } from './store.ts';

export const livenessStartBody = z.strictObject({
  session_id: z.string().min(1).max(100),
  /** The allowed set to draw 2–4 challenges from (default: all). */
  challenges: z.array(z.enum(CHALLENGE_TYPES)).min(1).max(8).optional(),
  accessible: z.boolean().default(false),
  /** Prompt language; defaults to the session's. */
  language: z.enum(LANGUAGES).optional(),
});

/** Issues a signed, single-use challenge token with a random 2–4 challenge sequence for one session. */
export function startLiveness(deps: Deps, s: SessionRecord, o: { allowed?: readonly (typeof CHALLENGE_TYPES)[number][]; exact?: (typeof CHALLENGE_TYPES)[number][]; accessible?: boolean; language?: string } = {}) {
  // `exact`: the caller's own sequence, kept as given (the amlkyc-compatible start); else drawn.
  const challenges = o.exact ?? pickChallenges((n) => randomInt(n), { allowed: o.allowed ?? s.profile.challenges ?? CHALLENGE_TYPES, accessible: o.accessible ?? s.profile.accessible });
  const { token, payload } = signChallengeToken({ sessionId: s.id, projectId: s.project_id, challenges }, deps.secret, deps.clock);
  const lang = o.language ?? s.profile.video_language;
  return {
    challengeToken: token,
    session_id: s.id,
    challenges: challenges.map((type, index) => ({ index, type, instruction: challengeInstruction(type, lang) })),
    timeoutSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    expiresAt: new Date(payload.expiresAt * 1000).toISOString(),
    language: lang,
  };
}

/**
 * Verifies a liveness capture. The token names its session; the session must exist in the token's
 * project (else 404). Every decision is recomputed from the images on the server; the result is
 * kept with the session as stage `liveness_api`.
 */
export async function checkLiveness(deps: Deps, body: LivenessVerifyBody, expectSessionId?: string) {
  const claims = verifyChallengeToken(body.challengeToken, deps.secret, deps.clock);
  if (expectSessionId && claims.sessionId !== expectSessionId && claims.sessionId !== `ses_${expectSessionId}`) {
    throw new AppError('verification_not_found', 'no verification with this id for this token');
  }
  const s = await loadSession(deps.db, claims.projectId, claims.sessionId).catch(() => {
    throw new AppError('verification_not_found', 'the verification this token was issued for does not exist');
  });
  const selfie = await deps.db.selectFrom('artifacts').select('blob_key').where('session_id', '=', s.id).where('kind', '=', 'selfie').executeTakeFirst();
  const selfieBytes = selfie ? new Uint8Array(await readBlob(deps.blobs, selfie.blob_key)) : null;
  const result = await verifyLiveness(
    { body, sessionId: s.id, projectId: s.project_id, selfie: selfieBytes },
    { engine: await deps.engines.face(), decodeImage: (b) => decodeImage(b), tokenSecret: deps.secret, nonces: createDbNonceStore(deps.db), clock: deps.clock },
  );
  // The signed challenge token is the caller's authentication here: it names the session.
  const ms = (result.evidence.timingsMs as { total?: number } | undefined)?.total ?? null;
  await recordLivenessCheck(deps, { projectId: s.project_id, sessionId: s.id }, result, ms, captureActor(s.project_id, s.id));
  return result;
}
