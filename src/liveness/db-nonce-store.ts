import { iso } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import type { NonceStore } from './token.ts';

/** Single-use challenge tokens: the primary key makes the second insert of a nonce a no-op. */
export function createDbNonceStore(db: Db): NonceStore {
  return {
    async consume(nonce, expiresAt) {
      const r = await db.insertInto('nonces').values({ nonce, expires_at: iso(new Date(expiresAt * 1000)) })
        .onConflict((oc) => oc.column('nonce').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
