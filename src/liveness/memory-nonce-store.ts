// A NonceStore for one process (tests, CLI). Not for several API nodes: the database-backed store
// is the production one. Expired nonces are pruned on write so the map stays bounded by the
// number of tokens issued within one token lifetime.

import type { Clock } from '../domain/time.ts';
import type { NonceStore } from './token.ts';

export function createMemoryNonceStore(clock: Clock): NonceStore {
  const used = new Map<string, number>();
  return {
    async consume(nonce, expiresAt) {
      const now = clock.now().getTime() / 1000;
      for (const [n, exp] of used) if (exp <= now) used.delete(n);
      if (used.has(nonce)) return false;
      used.set(nonce, expiresAt);
      return true;
    },
  };
}
