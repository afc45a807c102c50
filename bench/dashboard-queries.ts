// node --import tsx bench/dashboard-queries.ts — how long the review dashboard's queries take on a
// project with BENCH_SESSIONS processed sessions (default 3000), in process, on SQLite or (with
// BENCH_DB=postgres) the test machine's PostgreSQL. Prints the median of 5 runs of each query.
import { systemActor, type Actor } from '../src/domain/actor.ts';
import type { Finding } from '../src/domain/decision.ts';
import { sessionFacets } from '../src/review/facets.ts';
import { dashListQuery, facetsQuery, queueQuery } from '../src/review/list-query.ts';
import { listDashboardSessions, reviewQueue } from '../src/review/list-sessions.ts';
import { projectStats } from '../src/review/stats.ts';
import { createSession } from '../src/sessions/create-session.ts';
import { execute, recordUpload } from '../src/sessions/store.ts';
import { makeRuntime } from '../test/helpers/runtime.ts';

const N = Number(process.env.BENCH_SESSIONS ?? 3000);
const db = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite';
const rt = await makeRuntime({ db });
const actor: Actor = { kind: 'user', id: 'usr_bench', projectId: rt.projectId, roles: ['reviewer'], name: 'bench' };
const CODES: Finding['code'][] = ['face_mismatch', 'face_match_uncertain', 'phrase_mismatch', 'risk_vpn', 'document_expired'];
const t0 = Date.now();
for (let i = 0; i < N; i++) {
  const ref = { projectId: rt.projectId, sessionId: (await createSession(rt.deps, rt.projectId, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: i % 7 ? 'en' : 'de', document_back: false, accessible: false }, expires_in: 3600 })).id };
  const key = systemActor(rt.projectId, 'bench');
  await recordUpload(rt.deps, ref, { kind: 'selfie', blob_key: `bench/${ref.sessionId}`, content_type: 'image/jpeg', bytes: 3, meta: null }, { ...key, kind: 'api_key', id: 'key_bench' });
  await execute(rt.deps, ref, { type: 'complete', report: null }, { ...key, kind: 'api_key', id: 'key_bench' });
  const findings = i % 3 ? [] : [{ code: CODES[i % CODES.length]!, message: 'bench', stage: 'bench' }];
  await execute(rt.deps, ref, { type: 'decided', findings: findings as Finding[], numbers: { face_match_score: (i * 37) % 100 } }, key);
  rt.clock.advance(60);
}
const seeded = Date.now() - t0;

async function median(name: string, f: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await f();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${times[2]!.toFixed(1)} ms`);
}

console.log(`${db}: ${N} sessions seeded in ${(seeded / 1000).toFixed(1)} s`);
await median('list, newest first, 50', () => listDashboardSessions(rt.deps, actor, dashListQuery.parse({ limit: '50' })));
await median('list, by face score, 50', () => listDashboardSessions(rt.deps, actor, dashListQuery.parse({ limit: '50', sort: 'face_score' })));
await median('list, reason=face_mismatch & language=en, 50', () => listDashboardSessions(rt.deps, actor, dashListQuery.parse({ limit: '50', reason: 'face_mismatch', language: 'en' })));
await median('facets, no filter', () => sessionFacets(rt.deps, actor, facetsQuery.parse({})));
await median('review queue, 50', () => reviewQueue(rt.deps, actor, queueQuery.parse({ limit: '50' })));
await median('stats, default 30 days', () => projectStats(rt.deps, actor, {}));
await rt.cleanup();
