// The RealtimeBus port: what happened to a project's sessions, pushed to whoever listens (the
// dashboard, a live-agent console). The in-process adapter reaches listeners of this process; a
// Redis pub/sub adapter (later) reaches every process. Delivery is at least once: the outbox relay
// may publish an event twice after a crash, so events carry a stable id for listeners to dedupe.

export interface RealtimeEvent {
  /** Stable across re-publication (the outbox row id). */
  id: string;
  type: string;
  projectId: string;
  sessionId: string | null;
  data: Record<string, unknown>;
  at: string;
}

export type RealtimeListener = (e: RealtimeEvent) => void;

export interface RealtimeBus {
  publish(e: RealtimeEvent): Promise<void>;
  /** Listens to one project's events; returns the function that stops listening. */
  subscribe(projectId: string, listener: RealtimeListener): () => void;
  /**
   * Resolves once every subscribe made so far receives events. A Redis subscription takes a round
   * trip; an event published before it is in effect is not seen (pub/sub keeps nothing).
   */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}
