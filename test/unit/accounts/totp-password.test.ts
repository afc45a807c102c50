import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base32Decode, base32Encode, hotp, otpauthUri, stepAt, verifyTotp } from '../../../src/accounts/totp.ts';
import { hashPassword, needsRehash, oneTimePassword, verifyPassword } from '../../../src/accounts/password.ts';
import { openTotp, sealTotp } from '../../../src/accounts/sealed.ts';

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 Appendix B: SHA-1 key "12345678901234567890", 8 digits, 30 s steps.
  const key = Buffer.from('12345678901234567890');
  const vectors: Array<[number, string]> = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [t, code] of vectors) {
    test(`T=${t} → ${code}`, () => assert.equal(hotp(key, Math.floor(t / 30), 8), code));
  }

  test('RFC 4226 Appendix D HOTP values (6 digits)', () => {
    assert.deepEqual([0, 1, 2, 9].map((c) => hotp(key, c)), ['755224', '287082', '359152', '520489']);
  });

  test('base32 round trip (RFC 4648 alphabet, no padding)', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.equal(base32Decode('MZXW6YTBOI').toString(), 'foobar');
  });

  test('±1 step accepted, ±2 refused, a used step refused', () => {
    const secret = base32Encode(key);
    const now = 1_700_000_000_000;
    const at = (dSteps: number) => hotp(key, stepAt(now) + dSteps);
    assert.equal(verifyTotp(secret, at(0), now, null), stepAt(now));
    assert.equal(verifyTotp(secret, at(-1), now, null), stepAt(now) - 1);
    assert.equal(verifyTotp(secret, at(1), now, null), stepAt(now) + 1);
    assert.equal(verifyTotp(secret, at(2), now, null), null);
    assert.equal(verifyTotp(secret, at(-2), now, null), null);
    assert.equal(verifyTotp(secret, at(0), now, stepAt(now)), null, 'replayed');
    assert.equal(verifyTotp(secret, at(-1), now, stepAt(now)), null, 'older than the last accepted');
    assert.equal(verifyTotp(secret, '12345', now, null), null, 'malformed');
  });

  test('otpauth URI names issuer, account and the parameters', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'alice@example.com');
    assert.ok(uri.startsWith('otpauth://totp/vkyc:alice%40example.com?'), uri);
    const u = new URL(uri);
    assert.equal(u.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
    assert.equal(u.searchParams.get('issuer'), 'vkyc');
    assert.equal(u.searchParams.get('digits'), '6');
    assert.equal(u.searchParams.get('period'), '30');
  });

  test('sealed TOTP keys open only for their user and secret', () => {
    const s = 'a'.repeat(40);
    const sealed = sealTotp(s, 'usr_1', 'JBSWY3DPEHPK3PXP');
    assert.doesNotMatch(sealed, /JBSWY3DPEHPK3PXP/);
    assert.equal(openTotp(s, 'usr_1', sealed), 'JBSWY3DPEHPK3PXP');
    assert.throws(() => openTotp(s, 'usr_2', sealed));
    assert.throws(() => openTotp('b'.repeat(40), 'usr_1', sealed));
  });
});

describe('password hashing (scrypt)', () => {
  test('hash carries its parameters and a per-hash salt; verify is exact', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('correct horse battery', null), false, 'unknown login');
    assert.equal(needsRehash(a), false);
    assert.equal(needsRehash('scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), true);
  });

  test('one-time passwords: 20 characters of an unambiguous alphabet, grouped by 5', () => {
    const p = oneTimePassword();
    assert.match(p, /^[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){3}$/);
    assert.notEqual(p, oneTimePassword());
  });
});
