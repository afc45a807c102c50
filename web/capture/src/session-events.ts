import { ApiError, errorFromResponse, parseSession, type CaptureApi, type CaptureSession } from './api.ts';

// The desktop's progress stream after a hand-off: GET /v1/capture/events (docs/embed.md), read
// with fetch because EventSource cannot send the Authorization header that carries the capture
// token (a token in the URL would land in proxy logs).

/**
 * No byte for this long means the stream is stuck (a proxy that buffers the response): the server
 * writes at least a comment every 15 s (src/handoff/follow-stream.ts), so 40 s is two missed beats
 * and some slack for a slow network.
 */
const SILENCE_MS = 40_000;

/**
 * Calls `onSession` with each view the server pushes until it returns true ('stopped') or the
 * server ends the stream ('ended'). Throws an ApiError when the stream cannot be opened, breaks or
 * stays silent: the caller then falls back to polling.
 */
export async function readSessionEvents(api: CaptureApi, onSession: (s: CaptureSession) => boolean): Promise<'stopped' | 'ended'> {
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(), SILENCE_MS);
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(), SILENCE_MS);
  };
  try {
    let res: Response;
    try {
      res = await fetch(`${api.base}/v1/capture/events`, { headers: { Authorization: api.authHeader, Accept: 'text/event-stream' }, credentials: 'omit', cache: 'no-store', signal: ctrl.signal });
    } catch (e) {
      throw new ApiError('network_error', 0, String(e));
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (!res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) throw new ApiError('bad_response', res.status, 'not an event stream');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new ApiError('network_error', 0, String(e));
      }
      if (chunk.done) return 'ended';
      heard();
      buf += chunk.value;
      for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const s = sessionOf(block);
        if (s && onSession(s)) {
          await reader.cancel().catch(() => {});
          return 'stopped';
        }
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** One SSE block: a `session` event's view; comments (keep-alives) and other events are skipped. */
function sessionOf(block: string): CaptureSession | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event !== 'session' || !data.length) return null;
  try {
    return parseSession(JSON.parse(data.join('\n')));
  } catch {
    throw new ApiError('bad_response', 0, 'unexpected event data');
  }
}
