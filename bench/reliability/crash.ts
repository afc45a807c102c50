// kill -9 during verification: sessions with real generated face media go through the capture API,
// the server is SIGKILLed at random moments while it processes them and restarted on the same data.
// Then: sessions decided or stuck, verify jobs lost or run twice, webhook events lost or duplicated.
import { readFile } from 'node:fs/promises';
import { personA3, videoOfA } from '../../test/helpers/face-media.ts';
import { jobRows } from './db-peek.ts';
import { capture, createSession, type OpenSession } from './fixtures.ts';
import { api } from './http.ts';
import type { Receiver } from './receiver.ts';
import type { Report } from './report.ts';
import type { TestServer } from './server.ts';

const SECTION = 'kill -9';
/** Extra settle time for the undecodable session once the others are decided (see runCrash). */
const POISON_EXTRA_MS = 90_000;

export interface CrashOptions {
  sessions: number;
  kills: number;
  /** Random wait between a restart and the next kill (ms). */
  minGapMs: number;
  maxGapMs: number;
  /** Bound of the kill loop and of the settling afterwards (a killed job's lease is 30 s). */
  killBudgetMs: number;
  settleBudgetMs: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function submitFaceSessions(srv: TestServer, key: string, n: number): Promise<OpenSession[]> {
  const selfie = await personA3();
  const video = await readFile(await videoOfA(4));
  const out: OpenSession[] = [];
  for (let i = 0; i < n; i++) {
    // No phrase and no challenges: the kill lands in face work, which is most of the pipeline's time.
    const s = await createSession(srv.base, key, { steps: ['selfie', 'video'], phrase: 'none', challenges: [] }, { external_id: `crash-${i}` });
    for (const [path, body, type] of [['/selfie', selfie, 'image/jpeg'], ['/video', video, 'video/webm']] as const) {
      const r = await capture(srv.base, s.token, 'PUT', path, body, { 'content-type': type });
      if (r.status !== 200) throw new Error(`upload ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    const c = await capture(srv.base, s.token, 'POST', '/complete');
    if (c.status !== 200) throw new Error(`complete: ${c.status} ${c.text.slice(0, 200)}`);
    out.push(s);
  }
  return out;
}

export async function sessionStates(srv: TestServer, key: string, sessions: OpenSession[]) {
  const out: Array<{ id: string; status: string; result: string | null }> = [];
  for (const s of sessions) {
    const r = await api(srv.base, key, 'GET', `/v1/sessions/${s.id}`).catch(() => null);
    out.push({ id: s.id, status: r?.json?.status ?? 'unreachable', result: r?.json?.result ?? null });
  }
  return out;
}

/**
 * A session whose video passes a header probe but never decodes (patched codec tag). Refused at
 * upload → null; else submitted, and it must end in a defined state like any other.
 */
async function submitPoisoned(srv: TestServer, key: string, patchedMp4: Buffer) {
  const s = await createSession(srv.base, key, { steps: ['selfie', 'video'], phrase: 'none', challenges: [] }, { external_id: 'crash-poisoned' });
  await capture(srv.base, s.token, 'PUT', '/selfie', await personA3(), { 'content-type': 'image/jpeg' });
  const v = await capture(srv.base, s.token, 'PUT', '/video', patchedMp4, { 'content-type': 'video/mp4' });
  if (v.status !== 200) return { session: null, upload: `${v.status} ${v.code}` };
  const c = await capture(srv.base, s.token, 'POST', '/complete');
  if (c.status !== 200) throw new Error(`complete: ${c.status} ${c.text.slice(0, 200)}`);
  return { session: s, upload: '200' };
}

export async function runCrash(srv: TestServer, recv: Receiver, report: Report, o: CrashOptions, patchedMp4: Buffer) {
  const key = srv.keys.A!;
  const hook = await api(srv.base, key, 'POST', '/v1/webhooks', { url: recv.url('/crash') });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${hook.text}`);
  const sessions = await submitFaceSessions(srv, key, o.sessions);
  const poisoned = await submitPoisoned(srv, key, patchedMp4);
  const kills: string[] = [];
  let duringProcessing = 0;
  const t0 = Date.now();
  while (kills.length < o.kills && Date.now() - t0 < o.killBudgetMs) {
    await sleep(o.minGapMs + Math.random() * (o.maxGapMs - o.minGapMs));
    const states = await sessionStates(srv, key, sessions);
    const processing = states.filter((s) => s.status === 'processing').length;
    if (processing === 0) break; // nothing left to interrupt
    duringProcessing++;
    await srv.kill9();
    kills.push(`${((Date.now() - t0) / 1000).toFixed(0)}s/${processing}p`);
    await srv.start();
  }
  const killMs = Date.now() - t0;
  // Settle: until no session is processing (the poisoned one: or its job has given up), bounded.
  const t1 = Date.now();
  const poisonState = async () => {
    if (!poisoned.session) return { status: 'refused at upload', job: '-' };
    const [st] = await sessionStates(srv, key, [poisoned.session]);
    const jobs = (await jobRows(srv)).filter((j) => j.name === 'verify-session' && j.payload.includes(poisoned.session!.id));
    return { status: st?.status ?? 'unreachable', job: jobs.map((j) => `${j.status}×${j.attempts}`).join('+') || 'none' };
  };
  let states = await sessionStates(srv, key, sessions);
  let poison = await poisonState();
  const poisonSettled = () => poison.status !== 'processing' || /failed/.test(poison.job);
  // The undecodable one may need all 5 attempts (backoff 5+10+20+40 s): it gets at most
  // POISON_EXTRA_MS (5th attempt ≈ 75 s after the 1st) after the others are done, within the same budget.
  let regularDoneAt = 0;
  for (;;) {
    const regularLeft = states.some((s) => s.status === 'processing');
    if (!regularLeft) regularDoneAt ||= Date.now();
    const waitPoison = !poisonSettled() && (!regularDoneAt || Date.now() - regularDoneAt < POISON_EXTRA_MS);
    if ((!regularLeft && !waitPoison) || Date.now() - t1 >= o.settleBudgetMs) break;
    await sleep(2000);
    states = await sessionStates(srv, key, sessions);
    poison = await poisonState();
  }
  const decided = states.filter((s) => s.status !== 'processing' && s.status !== 'unreachable');
  // Give the webhooks of the last decisions a moment (first attempt is immediate).
  const tw = Date.now();
  const events = () => recv.deliveries.filter((d) => d.path === '/crash' && d.type === 'video.completed');
  while (decided.some((s) => !events().some((e) => e.sessionId === s.id)) && Date.now() - tw < 20_000) await sleep(500);
  const settleMs = Date.now() - t1;

  const jobs = (await jobRows(srv)).filter((j) => j.name === 'verify-session');
  const jobsOf = (id: string) => jobs.filter((j) => (JSON.parse(j.payload) as { sessionId?: string }).sessionId === id);
  const stuck = states.filter((s) => s.status === 'processing');
  const lost = stuck.filter((s) => !jobsOf(s.id).some((j) => j.status === 'queued' || j.status === 'running'));
  const failedJobs = jobs.filter((j) => j.status === 'failed');
  let twiceDecided = 0;
  for (const s of decided) {
    const a = await api(srv.base, key, 'GET', `/v1/sessions/${s.id}/audit`);
    if (((a.json?.data ?? []) as Array<{ action: string }>).filter((x) => x.action === 'decision.auto').length > 1) twiceDecided++;
  }
  const ev = events();
  const ids = new Set(ev.map((e) => e.webhookId));
  const eventLost = decided.filter((s) => !ev.some((e) => e.sessionId === s.id)).length;
  const dup = ev.length - ids.size;
  const row = (name: string, value: number | string, pass: boolean, note?: string) => report.add({ section: SECTION, name, status: value, code: '-', pass, ...(note ? { note } : {}) });
  row('kills while sessions were processing', duringProcessing, duringProcessing >= o.kills, `at s/processing: ${kills.join(' ')}`);
  row('sessions decided', decided.length, decided.length === sessions.length, `of ${sessions.length}; results ${summarise(decided.map((d) => `${d.status}/${d.result}`))}`);
  row('sessions stuck in processing', stuck.length, stuck.length === 0, stuck.length ? `jobs: ${stuck.map((s) => jobsOf(s.id).map((j) => `${j.status}×${j.attempts}`).join('+')).join(', ')}` : undefined);
  row('verify jobs lost (stuck, no live job)', lost.length, lost.length === 0);
  row('verify jobs failed permanently', failedJobs.length, failedJobs.length === 0, failedJobs.map((j) => (j.last_error ?? '').slice(0, 60)).join(' | ') || undefined);
  row('sessions decided twice (decision.auto ×2)', twiceDecided, twiceDecided === 0);
  // Refused at upload, or submitted and ended in a defined state (not left processing).
  row('undecodable MP4 session: refused or ended', poison.status, poison.status !== 'processing' && poison.status !== 'unreachable', `upload ${poisoned.upload}; verify job ${poison.job}`);
  row('webhook events lost (decided, never delivered)', eventLost, eventLost === 0);
  row('webhook events duplicated (same webhook-id twice)', dup, dup === 0);
  report.figures(SECTION, {
    sessions: sessions.length, kills: kills.length, decided: decided.length, stuck: stuck.length, jobs_lost: lost.length, jobs_failed: failedJobs.length,
    decided_twice: twiceDecided, poisoned_session: poison.status, events_delivered: ids.size, events_lost: eventLost, events_duplicated: dup, kill_phase_s: Math.round(killMs / 1000), settle_s: Math.round(settleMs / 1000),
  });
  return { sessions, decided: decided.map((d) => d.id) };
}

function summarise(xs: string[]) {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].map(([k, v]) => `${k}×${v}`).join(' ') || '-';
}
