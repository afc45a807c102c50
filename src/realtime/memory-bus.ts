import { localFanout } from './local-fanout.ts';
import type { RealtimeBus, RealtimeEvent } from './port.ts';

/** The in-process RealtimeBus: what is published is delivered to this process's listeners. */
export function createMemoryBus(): RealtimeBus {
  const fanout = localFanout();
  return {
    async publish(e: RealtimeEvent) {
      fanout.deliver(e);
    },
    subscribe: fanout.listen,
  };
}
