import type { Clock } from '../domain/time.ts';

/** One counted window: the count so far and the seconds until the window ends. */
export interface WindowCount { count: number; retryAfterS: number }

/**
 * Fixed-window counters, the port behind every rate limit and failed-credential limit. In memory
 * (one process) by default; with REDIS_URL the counters live in Redis (limits/redis-windows.ts), so
 * API nodes behind one load balancer share each window instead of granting N times the limit.
 */
export interface RateWindows {
  /** Counts one event for `key` in its current window of `windowMs`. */
  add(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string, windowMs: number): Promise<WindowCount>;
  close?(): Promise<void>;
}

/** Windows in this process's memory, bounded (stale windows are dropped past 10 000 keys). */
export function memoryWindows(clock: Clock): RateWindows {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (k: string, windowMs: number) => {
    const now = clock.now().getTime();
    const id = `${windowMs}:${k}`;
    let w = windows.get(id);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(id, w);
      if (windows.size > 10_000) for (const [old, v] of windows) if (now - v.start >= Number(old.slice(0, old.indexOf(':')))) windows.delete(old); // bound memory
    }
    return { w, retryAfterS: Math.ceil((w.start + windowMs - now) / 1000) };
  };
  return {
    async add(k, windowMs) {
      const { w, retryAfterS } = current(k, windowMs);
      return { count: ++w.count, retryAfterS };
    },
    async peek(k, windowMs) {
      const { w, retryAfterS } = current(k, windowMs);
      return { count: w.count, retryAfterS };
    },
  };
}
