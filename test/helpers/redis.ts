import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

// The real Redis on 127.0.0.1:6379 (.ci/run starts it). Each test run takes its own key prefix and
// deletes its keys afterwards, so runs on one server never see each other's jobs.

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export const uniquePrefix = (what: string) => `vkyc-test-${what}-${randomBytes(4).toString('hex')}`;

/** Deletes every key under `prefix` (SCAN, not KEYS: the server may be shared). */
export async function deleteKeys(prefix: string): Promise<number> {
  const r = new Redis(REDIS_URL);
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) n += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
  return n;
}
