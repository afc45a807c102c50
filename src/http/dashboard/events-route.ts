import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../../deps.ts';
import type { RealtimeEvent } from '../../realtime/port.ts';
import type { DashVars } from './auth.ts';

// GET /dashboard/api/events: the signed-in user's project's RealtimeBus events as Server-Sent
// Events, so a list shows a new session, a claim or a decision without a reload.

/** Keeps proxies (and the browser) from treating a quiet stream as dead: below the common 30–60 s idle timeouts. */
const PING_MS = 15_000;
/**
 * A stream ends after this long and the browser's EventSource reconnects (after `retry`), through
 * the cookie check again: a session that ended, or a role removed, stops the events within this
 * time, and a server shutdown waits at most this long for open streams.
 */
const STREAM_MS = 30_000;
const RETRY_MS = 1_000;
/** A client this far behind is cut off (it reconnects and reloads) rather than holding memory. */
const BACKLOG_MAX = 500;

export function eventsRoute(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  app.get('/events', (c) => {
    const projectId = c.get('actor').projectId;
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const backlog: RealtimeEvent[] = [];
      let wake: (() => void) | null = null;
      let done = false;
      const off = deps.realtime.subscribe(projectId, (e) => {
        backlog.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        done = true;
        wake?.();
      });
      const endAt = Date.now() + STREAM_MS;
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ project_id: projectId }), retry: RETRY_MS });
        while (!done && Date.now() < endAt && backlog.length <= BACKLOG_MAX) {
          while (backlog.length && !done) {
            const e = backlog.shift()!;
            await stream.writeSSE({ id: e.id, event: e.type, data: JSON.stringify({ ...e.data, session_id: e.sessionId, at: e.at }) });
          }
          const quiet = await new Promise<boolean>((r) => {
            const t = setTimeout(() => r(true), Math.min(PING_MS, Math.max(0, endAt - Date.now())));
            wake = () => { clearTimeout(t); r(false); };
          });
          wake = null;
          if (quiet && !done && Date.now() < endAt) await stream.write(': ping\n\n');
        }
      } finally {
        off();
      }
    });
  });
  return app;
}
