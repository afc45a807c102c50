import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { iso, type Clock } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import { open, seal } from '../storage/secret-box.ts';

// Each project signs its evidence packs with its own Ed25519 key (node:crypto; no dependency).
// The key is made on first use; its private half is sealed at rest with the server secret under
// its own purpose (a webhook-secret key never opens it) and bound to the key's id. Rotation retires
// the key instead of deleting it: packs signed before stay verifiable from the published set.

type KeyDeps = { db: Db; secret: string; clock: Clock };

const PURPOSE = 'vkyc:evidence-signing-key' as const;

interface PublicJwk { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }

interface SigningKey { kid: string; privateKey: KeyObject; jwk: PublicJwk }

const newKid = () => `evk_${randomBytes(12).toString('hex')}`;

async function createKey(deps: KeyDeps, projectId: string): Promise<SigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kid = newKid();
  const { x } = publicKey.export({ format: 'jwk' });
  if (!x) throw new Error('Ed25519 public key without x');
  const jwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  await deps.db.insertInto('evidence_keys').values({
    id: kid, project_id: projectId, public_jwk: JSON.stringify(jwk), private_key: seal(deps.secret, PURPOSE, kid, pkcs8), created_at: iso(deps.clock.now()), retired_at: null,
  }).execute();
  return { kid, privateKey, jwk };
}

/**
 * The project's current key, made on first use. Two first uses at once may each make one: both
 * are published and both verify; the oldest unretired key signs from then on.
 */
export async function activeSigningKey(deps: KeyDeps, projectId: string): Promise<SigningKey> {
  const row = await deps.db.selectFrom('evidence_keys').selectAll().where('project_id', '=', projectId).where('retired_at', 'is', null)
    .orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  if (!row) return createKey(deps, projectId);
  const der = Buffer.from(open(deps.secret, PURPOSE, row.id, row.private_key, 'evidence signing key'), 'base64');
  return { kid: row.id, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), jwk: JSON.parse(row.public_jwk) as PublicJwk };
}

/** Retires the project's current key(s) and makes a new one; returns the new kid and the retired ones. */
export async function rotateSigningKey(deps: KeyDeps, projectId: string) {
  return deps.db.transaction().execute(async (tx) => {
    const at = iso(deps.clock.now());
    const retired = (await tx.selectFrom('evidence_keys').select('id').where('project_id', '=', projectId).where('retired_at', 'is', null).execute()).map((r) => r.id);
    if (retired.length) await tx.updateTable('evidence_keys').set({ retired_at: at }).where('id', 'in', retired).execute();
    const k = await createKey({ ...deps, db: tx }, projectId);
    return { kid: k.kid, retired };
  });
}

/**
 * Every evidence key of every project, retired ones included (a pack signed before a rotation must
 * still verify). Public halves only; the project is not named (the kid is enough to pick a key).
 */
export async function publishedKeys(db: Db) {
  const rows = await db.selectFrom('evidence_keys').select(['public_jwk', 'created_at', 'retired_at']).orderBy('created_at').orderBy('id').execute();
  return { keys: rows.map((r) => ({ ...(JSON.parse(r.public_jwk) as PublicJwk), created_at: r.created_at, retired_at: r.retired_at })) };
}

export const signBytes = (key: SigningKey, data: Uint8Array) => sign(null, data, key.privateKey).toString('base64url');

/** A JWK as published (or given to the verifier) → a public KeyObject; refuses anything but Ed25519. */
export function publicKeyFromJwk(jwk: unknown): KeyObject {
  const j = jwk as Partial<PublicJwk>;
  if (!j || j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string') throw new AppError('validation_failed', 'the key is not an Ed25519 JWK (kty OKP, crv Ed25519, x)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x }, format: 'jwk' });
}
