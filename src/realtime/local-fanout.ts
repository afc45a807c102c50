import { EventEmitter } from 'node:events';
import type { RealtimeEvent, RealtimeListener } from './port.ts';

/**
 * How many recent event ids a node remembers to drop a re-published event: the outbox relay
 * re-publishes only rows it published but could not delete (a crash in between), which are few and
 * recent.
 */
const SEEN_IDS = 1024;

/**
 * The node-local half of every RealtimeBus: one EventEmitter channel per project, each listener
 * shielded from the others' failures, and delivery at most once per event id (the relay's is at
 * least once). The memory bus delivers what it is given; the Redis bus what its channel brings.
 */
export function localFanout() {
  const emitter = new EventEmitter();
  // Listeners are dashboards and consoles; more than the default 10 per project is normal.
  emitter.setMaxListeners(0);
  const seen = new Set<string>();
  return {
    deliver(e: RealtimeEvent): void {
      if (seen.has(e.id)) return;
      seen.add(e.id);
      if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value as string);
      emitter.emit(e.projectId, e);
    },
    /** Adds a listener to a project's channel; returns its removal. */
    listen(projectId: string, listener: RealtimeListener): () => void {
      // A throwing listener must not stop the others nor whoever delivers (the relay, Redis).
      const safe = (e: RealtimeEvent) => {
        try {
          listener(e);
        } catch {
          /* the listener's own failure */
        }
      };
      emitter.on(projectId, safe);
      return () => void emitter.off(projectId, safe);
    },
  };
}
