import type { Deps } from '../../src/deps.ts';
import { writeOutbox } from '../../src/outbox/outbox.ts';
import { iso } from '../../src/domain/time.ts';
import type { Db } from '../../src/storage/db.ts';
import { type EventType, recordEvent } from '../../src/webhooks/events.ts';

/**
 * A webhook event of no real session, as the session store records one: the event and its delivery
 * rows in `tx`, the delivery jobs in the outbox (the relay hands them over; `drain` flushes it).
 */
export async function emitEvent(deps: Pick<Deps, 'clock'>, tx: Db, projectId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
  const at = iso(deps.clock.now());
  const jobs = await recordEvent(tx, at, projectId, typeof data.session_id === 'string' ? data.session_id : null, type, data);
  await writeOutbox(tx, at, projectId, null, jobs);
}
