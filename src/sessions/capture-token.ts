import { AppError } from '../domain/errors.ts';
import { signToken, verifyToken } from '../domain/signing.ts';

// Capture tokens let the hosted page act on exactly one session, without an API key, until the
// session expires. Prefix `cap_` keeps them apart from API keys in the Authorization header.

// `hid`: the token was minted for a phone that opened a desktop-to-phone hand-off link
// (src/handoff); once a hand-off is opened only that token may upload (the others may still read).
export interface CaptureClaims { sid: string; pid: string; exp: number; hid?: string }

export function mintCaptureToken(secret: string, sid: string, pid: string, expiresAt: Date, handoffId?: string): string {
  const claims = { sid, pid, exp: Math.floor(expiresAt.getTime() / 1000), ...(handoffId ? { hid: handoffId } : {}) };
  return `cap_${signToken(secret, 'capture', claims)}`;
}

export function readCaptureToken(secret: string, token: string, nowMs: number): CaptureClaims {
  if (!token.startsWith('cap_')) throw new AppError('capture_token_invalid', 'capture token is missing or malformed');
  const r = verifyToken<CaptureClaims>(secret, 'capture', token.slice(4), nowMs);
  if (!r.ok) {
    throw r.reason === 'expired'
      ? new AppError('capture_token_expired', 'this capture link has expired; ask for a new one')
      : new AppError('capture_token_invalid', 'capture token is not valid');
  }
  return r.payload;
}
