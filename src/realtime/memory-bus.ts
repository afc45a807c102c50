import { EventEmitter } from 'node:events';
import type { RealtimeBus, RealtimeEvent, RealtimeListener } from './port.ts';

/**
 * How many recent event ids the bus remembers to drop a re-published event: the relay re-publishes
 * only rows it published but could not delete (a crash in between), which are few and recent.
 */
const SEEN_IDS = 1024;

/** The in-process RealtimeBus: one EventEmitter channel per project. */
export function createMemoryBus(): RealtimeBus {
  const emitter = new EventEmitter();
  // Listeners are dashboards and consoles; more than the default 10 per project is normal.
  emitter.setMaxListeners(0);
  const seen = new Set<string>();
  return {
    async publish(e: RealtimeEvent) {
      if (seen.has(e.id)) return;
      seen.add(e.id);
      if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value as string);
      emitter.emit(e.projectId, e);
    },
    subscribe(projectId: string, listener: RealtimeListener) {
      // A throwing listener must not stop the others nor the relay that publishes.
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
