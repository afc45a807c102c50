// The signed, single-use challenge token handed out by /liveness/start and returned with the frames.
// Format: `lv1.<base64url(JSON payload)>.<base64url(HMAC-SHA256(secret, "lv1." + payload))>`.
// Not a JWT on purpose: one algorithm, no header to negotiate, nothing to confuse ("alg": "none").
// The server never trusts the challenge list the client sends: it comes out of this token.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { CHALLENGE_TYPES, type ChallengeType } from '../domain/liveness-challenges.ts';
import type { Clock } from '../domain/time.ts';

const PREFIX = 'lv1';
/** 60 s: enough for 2–4 prompts of ~3 s each plus upload, short enough to limit a relay attack. */
export const DEFAULT_TOKEN_TTL_SECONDS = 60;
/** HMAC-SHA256 keys shorter than the 32-byte digest weaken it (RFC 2104 §3); refuse them loudly. */
const MIN_SECRET_BYTES = 32;

const payloadSchema = z.object({
  sid: z.string().min(1),
  pid: z.string().min(1),
  ch: z.array(z.enum(CHALLENGE_TYPES)).min(1).max(8),
  /** Optional self-record schedule: seconds after recording start at which each prompt shows. */
  at: z.array(z.number().nonnegative()).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  n: z.string().min(16),
});

interface ChallengeTokenPayload {
  sessionId: string;
  projectId: string;
  challenges: ChallengeType[];
  /** Seconds after the start of recording at which prompt i is shown (self-record only). */
  schedule?: number[];
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
  nonce: string;
}

/** Single-use store, implemented by the lead on the database. */
export interface NonceStore {
  /** true when the nonce had never been consumed (and is now); false when it was already used. */
  consume(nonce: string, expiresAt: number): Promise<boolean>;
}

interface SignTokenInput {
  sessionId: string;
  projectId: string;
  challenges: ChallengeType[];
  schedule?: number[];
  ttlSeconds?: number;
}

function keyBytes(secret: string | Uint8Array): Uint8Array {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`liveness token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return key;
}

function mac(key: Uint8Array, body: string): Buffer {
  return createHmac('sha256', key).update(`${PREFIX}.${body}`).digest();
}

export function signChallengeToken(
  input: SignTokenInput,
  secret: string | Uint8Array,
  clock: Clock,
): { token: string; payload: ChallengeTokenPayload } {
  const key = keyBytes(secret);
  const iat = Math.floor(clock.now().getTime() / 1000);
  const ttl = input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const nonce = randomBytes(16).toString('base64url');
  const compact = {
    sid: input.sessionId, pid: input.projectId, ch: input.challenges,
    ...(input.schedule ? { at: input.schedule } : {}), iat, exp: iat + ttl, n: nonce,
  };
  const body = Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
  const token = `${PREFIX}.${body}.${mac(key, body).toString('base64url')}`;
  return { token, payload: fromCompact(payloadSchema.parse(compact)) };
}

function fromCompact(p: z.infer<typeof payloadSchema>): ChallengeTokenPayload {
  return {
    sessionId: p.sid, projectId: p.pid, challenges: p.ch,
    ...(p.at ? { schedule: p.at } : {}), issuedAt: p.iat, expiresAt: p.exp, nonce: p.n,
  };
}

const invalid = (why: string) => new AppError('token_invalid', `challenge token invalid: ${why}`);

/** Checks signature, shape and expiry. Does NOT consume the nonce (see `consumeChallengeToken`). */
export function verifyChallengeToken(
  token: string,
  secret: string | Uint8Array,
  clock: Clock,
): ChallengeTokenPayload {
  const key = keyBytes(secret);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('malformed');
  const [, body = '', sig = ''] = parts;
  const expected = mac(key, body);
  const given = Buffer.from(sig, 'base64url');
  // Length check first: timingSafeEqual throws on unequal lengths; the length is not secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid('payload is not JSON');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw invalid('payload shape');
  const payload = fromCompact(parsed.data);
  const now = clock.now().getTime() / 1000;
  if (now >= payload.expiresAt) {
    throw new AppError('token_expired', 'challenge token expired', { expiresAt: payload.expiresAt });
  }
  return payload;
}

/**
 * Verify, check the token belongs to this session/project, then burn its nonce. A second use of the
 * same token fails with `token_used` even inside its lifetime.
 */
export async function consumeChallengeToken(
  token: string,
  expect: { sessionId: string; projectId: string },
  secret: string | Uint8Array,
  clock: Clock,
  nonces: NonceStore,
): Promise<ChallengeTokenPayload> {
  const payload = verifyChallengeToken(token, secret, clock);
  if (payload.sessionId !== expect.sessionId || payload.projectId !== expect.projectId) {
    throw invalid('issued for another session');
  }
  if (!(await nonces.consume(payload.nonce, payload.expiresAt))) {
    throw new AppError('token_used', 'challenge token already used');
  }
  return payload;
}
