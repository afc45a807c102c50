import type { Actor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import { applyFilters, projectSessions } from './list-sessions.ts';
import type { Filters } from './list-query.ts';

// Counts per filter value for the list's filter bar. Each facet is counted under all the *other*
// filters, so choosing status=completed still shows how many are processing.

const COLUMN_FACETS = { status: 'status', result: 'result', mode: 'video_mode', language: 'language' } as const;

/**
 * Reason codes live in one text column per session (`,a,b,`): they are counted in memory over the
 * matching rows, at most this many (a project's review backlog, not its whole history, is what the
 * bar needs; beyond it the counts say `reason_truncated`).
 */
const REASON_SCAN_MAX = 20_000;

export async function sessionFacets(deps: Pick<Deps, 'db'>, actor: Actor, f: Filters) {
  const out = { status: {}, result: {}, mode: {}, language: {} } as Record<keyof typeof COLUMN_FACETS, Record<string, number>>;
  for (const [facet, column] of Object.entries(COLUMN_FACETS) as Array<[keyof typeof COLUMN_FACETS, (typeof COLUMN_FACETS)[keyof typeof COLUMN_FACETS]]>) {
    const rows = await applyFilters(projectSessions(deps, actor.projectId), f, facet)
      .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number | string>().as('n')]).groupBy(column).execute();
    out[facet] = Object.fromEntries(rows.filter((r) => r.value !== null).map((r) => [String(r.value), Number(r.n)]));
  }
  const reasonRows = await applyFilters(projectSessions(deps, actor.projectId), f, 'reason').where('reason_codes', 'is not', null)
    .select('reason_codes').limit(REASON_SCAN_MAX + 1).execute();
  const reason: Record<string, number> = {};
  for (const r of reasonRows.slice(0, REASON_SCAN_MAX)) for (const code of (r.reason_codes ?? '').split(',').filter(Boolean)) reason[code] = (reason[code] ?? 0) + 1;
  const total = await applyFilters(projectSessions(deps, actor.projectId), f).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return { object: 'facets' as const, total: Number(total.n), ...out, reason, reason_truncated: reasonRows.length > REASON_SCAN_MAX };
}
