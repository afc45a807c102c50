import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/domain/errors.ts';
import { consumeChallengeToken, signChallengeToken, verifyChallengeToken } from '../../../src/liveness/token.ts';
import { createMemoryNonceStore } from '../../../src/liveness/memory-nonce-store.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const at = (iso: string) => ({ now: () => new Date(iso) });
const T0 = '2026-01-01T00:00:00Z';
const input = { sessionId: 'ses_1', projectId: 'prj_1', challenges: ['blink', 'turn_left'] as const };

const code = (fn: () => unknown) => {
  try { fn(); } catch (e) { return e instanceof AppError ? e.code : `other: ${String(e)}`; }
  return 'no error';
};

test('round trip keeps the payload, default lifetime 60 s', () => {
  const { token, payload } = signChallengeToken({ ...input, challenges: [...input.challenges] }, SECRET, at(T0));
  const back = verifyChallengeToken(token, SECRET, at('2026-01-01T00:00:59Z'));
  assert.deepEqual(back, payload);
  assert.equal(back.expiresAt - back.issuedAt, 60);
  assert.deepEqual(back.challenges, ['blink', 'turn_left']);
});

test('expired, tampered, wrong secret and malformed tokens are rejected with typed errors', () => {
  const { token } = signChallengeToken({ ...input, challenges: [...input.challenges] }, SECRET, at(T0));
  assert.equal(code(() => verifyChallengeToken(token, SECRET, at('2026-01-01T00:01:00Z'))), 'token_expired');
  const [p, body, sig] = token.split('.');
  const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
  forged.ch = ['move_closer', 'smile'];
  const tampered = `${p}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
  assert.equal(code(() => verifyChallengeToken(tampered, SECRET, at(T0))), 'token_invalid');
  assert.equal(code(() => verifyChallengeToken(token, `${SECRET}x`, at(T0))), 'token_invalid');
  assert.equal(code(() => verifyChallengeToken(`${token}A`, SECRET, at(T0))), 'token_invalid');
  assert.equal(code(() => verifyChallengeToken('eyJhbGciOiJub25lIn0.e30.', SECRET, at(T0))), 'token_invalid');
});

test('a short secret fails loudly instead of signing weakly', () => {
  assert.throws(() => signChallengeToken({ ...input, challenges: ['blink'] }, 'short', at(T0)), /at least 32 bytes/);
});

test('single use: the second consume fails with token_used; other sessions are refused', async () => {
  const clock = at(T0);
  const nonces = createMemoryNonceStore(clock);
  const { token } = signChallengeToken({ ...input, challenges: ['blink', 'smile'] }, SECRET, clock);
  const expect = { sessionId: 'ses_1', projectId: 'prj_1' };
  await consumeChallengeToken(token, expect, SECRET, clock, nonces);
  await assert.rejects(consumeChallengeToken(token, expect, SECRET, clock, nonces), (e: AppError) => e.code === 'token_used');
  const other = signChallengeToken({ ...input, challenges: ['blink', 'smile'] }, SECRET, clock).token;
  await assert.rejects(consumeChallengeToken(other, { ...expect, sessionId: 'ses_2' }, SECRET, clock, nonces),
    (e: AppError) => e.code === 'token_invalid');
});
