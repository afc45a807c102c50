import type { SSEStreamingApi } from 'hono/streaming';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';

// The desktop follows the phone's progress (docs/embed.md): `GET /v1/capture/events` streams the
// capture view (the same JSON as GET /v1/capture/session) as Server-Sent Events, once at the start
// and again whenever the RealtimeBus says the session changed (the outbox relay publishes
// session.updated / session.state_changed for each upload, complete, expiry, cancel). The stream
// ends after the view of a session that no longer takes captures, or after STREAM_MAX_MS.

export interface FollowOptions {
  /**
   * Idle time after which the stream re-reads the session and, unchanged, writes a comment line.
   * 15 s: well under the 60 s idle timeout of common proxies (nginx proxy_read_timeout), and the
   * re-read catches a change published on another process's in-memory bus (the bus reaches only
   * the listeners of its own process until a shared adapter exists).
   */
  keepAliveMs?: number;
  /** A stream lives at most this long; the page reconnects, which re-checks its token. */
  maxMs?: number;
}

export const KEEPALIVE_MS = 15_000;
export const STREAM_MAX_MS = 10 * 60_000;
/**
 * Open streams per session in this process: the desktop needs one (a reload briefly overlaps two);
 * more is a script holding connections open with a leaked token.
 */
export const MAX_STREAMS_PER_SESSION = 4;

const open = new Map<string, number>();

/** Refuses a stream past MAX_STREAMS_PER_SESSION; the returned function gives the slot back. */
export function takeStreamSlot(sessionId: string): () => void {
  const n = open.get(sessionId) ?? 0;
  if (n >= MAX_STREAMS_PER_SESSION) throw new AppError('rate_limited', `at most ${MAX_STREAMS_PER_SESSION} progress streams per session`, { retry_after: 5 });
  open.set(sessionId, n + 1);
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const left = (open.get(sessionId) ?? 1) - 1;
    if (left <= 0) open.delete(sessionId);
    else open.set(sessionId, left);
  };
}

/** What the stream sends: the capture view (sessions/complete-capture.ts), read by the caller. */
export interface FollowView { status: string; waiting_room: boolean }

const takesCaptures = (v: FollowView) => (v.status === 'pending' || v.status === 'in_progress') && !v.waiting_room;

/**
 * Writes the session's views to `stream` until the session stops taking captures, the client goes,
 * or maxMs passes. `read` answers the current view; it throws once the session is gone (erased).
 * (The route passes it: handoff/ does not import sessions/, which imports handoff/guard.)
 */
export async function followSession(deps: Pick<Deps, 'realtime'>, s: { id: string; project_id: string }, read: () => Promise<FollowView>, stream: SSEStreamingApi, o: FollowOptions = {}): Promise<void> {
  const keepAliveMs = o.keepAliveMs ?? KEEPALIVE_MS;
  const until = Date.now() + (o.maxMs ?? STREAM_MAX_MS);
  let dirty = true;
  let gone = false;
  let wake = () => {};
  // Only this session's events: the bus channel is the project's.
  const unsubscribe = deps.realtime.subscribe(s.project_id, (e) => {
    if (e.sessionId !== s.id) return;
    dirty = true;
    wake();
  });
  stream.onAbort(() => {
    gone = true;
    wake();
  });
  let last = '';
  try {
    while (!gone && Date.now() < until) {
      // Cleared before the read: an event that lands while we read marks the next round dirty.
      dirty = false;
      let view: FollowView;
      try {
        view = await read();
      } catch {
        return; // erased meanwhile: nothing more to follow (the page's next read says why)
      }
      const text = JSON.stringify(view);
      if (text !== last) {
        last = text;
        await stream.writeSSE({ event: 'session', data: text });
      } else {
        await stream.write(': keep-alive\n\n');
      }
      if (!takesCaptures(view)) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(keepAliveMs, until - Date.now())));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (dirty || gone) wake();
      });
    }
  } finally {
    unsubscribe();
  }
}
