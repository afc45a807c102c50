import { useEffect, useRef } from 'preact/hooks';

// Live updates: the project's events over Server-Sent Events (/dashboard/api/events, cookie-signed).
// EventSource reconnects by itself; events are at least once, so callers only refetch, never count.

export interface LiveEvent { type: string; session_id?: string; previous_state?: string | null; [k: string]: unknown }
// `ready` opens every stream (the server ends each after 30 s): events in between are not replayed, so pages refetch on it.
const TYPES = ['ready', 'session.state_changed', 'session.updated', 'session.stage', 'session.review_claimed', 'session.review_released', 'session.review_pending', 'session.erased'];

export function useLive(onEvent: (e: LiveEvent) => void): void {
  const cb = useRef(onEvent);
  cb.current = onEvent;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/dashboard/api/events');
    const seen = new Set<string>();
    const on = (m: MessageEvent<string>) => {
      if (m.lastEventId && seen.has(m.lastEventId)) return;
      if (m.lastEventId) seen.add(m.lastEventId);
      let data: object = {};
      try { data = m.data ? (JSON.parse(m.data) as object) : {}; } catch { /* `ready` and pings carry no JSON */ }
      cb.current({ ...data, type: m.type });
    };
    for (const t of TYPES) es.addEventListener(t, on as EventListener);
    return () => es.close();
  }, []);
}

/** Calls fn at most once per `ms` (a burst of events → one refetch). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const t = useRef<number | null>(null);
  const f = useRef(fn);
  f.current = fn;
  useEffect(() => () => { if (t.current) clearTimeout(t.current); }, []);
  return () => {
    if (t.current) return;
    t.current = window.setTimeout(() => { t.current = null; f.current(); }, ms);
  };
}
