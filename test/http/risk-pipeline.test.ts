import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { listsCommand } from '../../src/cli/lists.ts';
import { importIpList, ipListsContaining, parseIpListFile } from '../../src/risk/ip-lists.ts';
import { completeCapture, saveClientInfo } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import { riskStage } from '../../src/verification/stages/risk.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// The risk stage through the real verify-session job (SQLite, the real queue and worker, the shipped
// IP databases); the other stages are replaced so no face model loads. A document-only profile needs
// no face comparison, so the decision rests on the risk findings alone.

const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36';
// In AS60729 (Stiftung Erneuerbare Freiheit, Berlin), a network that runs Tor exit relays; the test imports it as a list entry.
const TOR_EXIT = '185.220.101.1';
const PROFILE = { steps: ['document' as const], video_mode: 'self_record' as const, video_max_duration: 60, video_language: 'en' as const, document_back: false, accessible: false };

const until = async (what: string, cond: () => Promise<boolean>, ms: number) => {
  const end = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function submitted(rt: TestRuntime, ip: string, extra: { referring_session_id?: string; timezone?: string; languages?: string[] } = {}) {
  const created = await createSession(rt.deps, rt.projectId, { profile: PROFILE, expires_in: 600, ...(extra.referring_session_id ? { referring_session_id: extra.referring_session_id } : {}) });
  let s = await loadSession(rt.deps.db, rt.projectId, created.id);
  await saveClientInfo(rt.deps, s, { user_agent: MAC_CHROME, timezone: extra.timezone ?? 'America/Chicago', language: extra.languages?.[0] ?? 'en-US', languages: extra.languages ?? ['en-US'], webdriver: false }, { ip, socket_ip: ip, forwarded_for: null });
  const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
  s = await loadSession(rt.deps.db, rt.projectId, created.id);
  await uploadImage(rt.deps, s, 'document_front', (async function* () { yield img; })());
  return created.id;
}

async function decided(rt: TestRuntime, id: string) {
  await until('decision', async () => (await loadSession(rt.deps.db, rt.projectId, id)).status === 'completed', 15000);
  return (await (await rt.req('GET', `/v1/sessions/${id}`)).json()) as { result: string; reasons: Array<{ code: string }>; risk: Record<string, any> };
}

test('a Tor-listed IP: declined by the default policy, needs_review when the policy says review', async () => {
  const rt = await makeRuntime({ build: { stages: () => [riskStage] } });
  const w = rt.startWorkers({ pollMs: 20 });
  try {
    // The CLI path: a list file imported globally.
    const file = join(rt.dataDir, 'tor.txt');
    await writeFile(file, `# test exits\n${TOR_EXIT}\n185.220.102.0/24\n`);
    await listsCommand.run(['import', '--list', 'tor', '--file', file], rt.deps.config);
    assert.deepEqual(await ipListsContaining(rt.deps.db, rt.projectId, TOR_EXIT), ['tor']);

    // The device matches the address's place (Berlin), so tor is the only flag.
    const berlin = { timezone: 'Europe/Berlin', languages: ['de-DE'] };
    const a = await submitted(rt, TOR_EXIT, berlin);
    await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, a));
    const va = await decided(rt, a);
    assert.equal(va.result, 'declined');
    assert.deepEqual(va.reasons.map((r) => r.code), ['risk_tor']);
    assert.deepEqual(va.risk.risk_flags, ['tor']);
    assert.equal(va.risk.risk_score, 0.8);
    assert.equal(va.risk.device_network_signals.tor, 1);
    assert.equal(va.risk.device_network_signals.datacenter, 0);
    assert.equal(va.risk.session_data.location.country_code, 'DE');
    assert.equal(va.risk.session_data.network.service_provider, 'Stiftung Erneuerbare Freiheit');

    // The project's own policy (project settings → RiskRuntime.policyFor, wired in main.ts) says review.
    assert.equal((await rt.req('PATCH', '/v1/project/settings', { risk_policy: { decline: [], review: ['tor'] } })).status, 200);
    const b = await submitted(rt, TOR_EXIT, berlin);
    await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, b));
    const vb = await decided(rt, b);
    assert.equal(vb.result, 'needs_review');
    assert.deepEqual(vb.reasons.map((r) => r.code), ['risk_tor']);

    // An address on no list, from an access ISP, with a matching zone: approved, score 0.
    const c = await submitted(rt, '107.209.253.92');
    await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, c));
    const vc = await decided(rt, c);
    assert.equal(vc.result, 'approved');
    assert.equal(vc.risk.risk_score, 0);
    assert.equal(vc.risk.session_data.location.country_code, 'US');
  } finally {
    await w.stop(100);
    await rt.cleanup();
  }
});

test('impossible travel between a referring session in the US and this one in Japan minutes later', async () => {
  const rt = await makeRuntime({ build: { stages: () => [riskStage] } });
  const w = rt.startWorkers({ pollMs: 20 });
  try {
    const first = await submitted(rt, '107.209.253.92');
    rt.clock.advance(30 * 60);
    // 126.0.0.0/8: SoftBank (AS17676), a Japanese access ISP; Texas → Tokyo is ~10 400 km in 30 min.
    const second = await submitted(rt, '126.0.0.1', { referring_session_id: first, timezone: 'Asia/Tokyo' });
    await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, second));
    const v = await decided(rt, second);
    assert.equal(v.risk.session_data.location.country_code, 'JP');
    assert.equal(v.risk.referring_session_signals.impossible_travel, 1);
    assert.equal(v.risk.referring_session_signals.ip_mismatch, 1);
    assert.equal(v.risk.referring_session_signals.device_timezone_mismatch, 1);
    assert.equal(v.risk.referring_session_signals.user_agent_mismatch, 0);
    assert.ok(v.risk.details.travel.kmh > 900, JSON.stringify(v.risk.details.travel));
    assert.equal(v.result, 'needs_review');
    assert.ok(v.reasons.some((r) => r.code === 'risk_impossible_travel'));
  } finally {
    await w.stop(100);
    await rt.cleanup();
  }
});

for (const db of ['sqlite', 'postgres'] as const) test(`lists (${db}): refresh replaces a list; project entries do not leak; the cache sees changes`, async () => {
  const rt = await makeRuntime({ db });
  try {
    const now = new Date();
    await importIpList(rt.deps.db, rt.projectId, parseIpListFile('198.51.100.0/24\n', 'vpn'), { replace: false, source: 't', now });
    const cache = new Map();
    assert.deepEqual(await ipListsContaining(rt.deps.db, rt.projectId, '198.51.100.9', cache), ['vpn']);
    assert.deepEqual(await ipListsContaining(rt.deps.db, 'prj_other', '198.51.100.9', cache), []);
    // A refresh a second later (the stamp is count + newest created_at).
    const counts = await importIpList(rt.deps.db, rt.projectId, parseIpListFile('203.0.113.5\n', 'vpn'), { replace: true, source: 't', now: new Date(now.getTime() + 1000) });
    assert.deepEqual(counts, { vpn: 1 });
    assert.deepEqual(await ipListsContaining(rt.deps.db, rt.projectId, '198.51.100.9', cache), []);
    assert.deepEqual(await ipListsContaining(rt.deps.db, rt.projectId, '203.0.113.5', cache), ['vpn']);
  } finally {
    await rt.cleanup();
  }
});
