// A server→page feed over a WebSocket that reopens by itself (the agent console's live queue and
// agents: docs/live-calls-api.md §2). The server sends a full snapshot on open, so a reconnect
// needs no replay.

const RETRY_MS = [500, 1000, 2000, 4000, 8000];
/** A ping now and then keeps idle proxies (nginx default 60 s) from closing a quiet socket. */
const PING_EVERY_MS = 25_000;

export function openFeed(path: string, on: (m: { type: string } & Record<string, unknown>) => void, onState: (open: boolean) => void): { close(): void } {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let ping: number | undefined;
  const connect = () => {
    if (closed) return;
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    ws.onopen = () => {
      attempt = 0;
      onState(true);
      ping = window.setInterval(() => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'ping' })), PING_EVERY_MS);
    };
    ws.onmessage = (e) => {
      try {
        on(JSON.parse(String(e.data)) as { type: string } & Record<string, unknown>);
      } catch (err) {
        console.warn('console feed message', err);
      }
    };
    ws.onclose = () => {
      clearInterval(ping);
      onState(false);
      if (!closed) setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      ws?.close();
    },
  };
}
