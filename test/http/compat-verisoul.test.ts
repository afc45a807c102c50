import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importIpList } from '../../src/risk/ip-lists.ts';
import { saveClientInfo } from '../../src/sessions/complete-capture.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { duplicatesStage } from '../../src/verification/stages/duplicates.ts';
import { faceMatchStage } from '../../src/verification/stages/face-match.ts';
import { riskStage } from '../../src/verification/stages/risk.ts';
import type { Stage } from '../../src/verification/pipeline.ts';
import { STAGE_RESULTS } from '../../src/verification/results/index.ts';

/** The inputs face_match and duplicates read, for a selfie + document session: no video frames, no MRZ step. */
const noVideoYet: Stage[] = [
  { name: 'document', result: STAGE_RESULTS.document, run: async () => ({ skipped: true as const, findings: [] }) },
  { name: 'faces', result: STAGE_RESULTS.faces, run: async () => ({ skipped: true as const, reason: 'no_video_frames' as const }) },
];
import { newCaptureSession } from '../helpers/capture-session.ts';
import { contractProblems } from '../helpers/contract.ts';
import { idCard, personA1, personA3, personB } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { accountLinkedFields, DECISIONS, MATCH_TYPES, verifyFaceFields, verifyFaceRequestSample, verifyFaceResponseSample } from '../fixtures/compat/verisoul.ts';

// Verisoul verify-face (seed 003), field by field, on sessions decided by the real verify-session
// job (real face engine on the face-api sample photos, SQLite, the shipped IP databases). The
// pipeline runs the stages a selfie + document session's answer rests on — face_match, duplicates,
// risk — so a genuine session can be approved: a generated still video cannot pass the liveness
// challenges (the full pipeline is covered by the ZOLOZ contract and e2e tests).

const MAC_CHROME = verifyFaceResponseSample.session_data.browser.user_agent;
const GPU = verifyFaceResponseSample.session_data.device.gpu;
// The seed's own address: AT&T, Texas (an access ISP, not a hosting network).
const SEED_IP = verifyFaceResponseSample.session_data.network.ip_address;
const PROFILE = { steps: ['document', 'selfie'], document_back: false };

describe('Verisoul verify-face', () => {
  let rt: TestRuntime;
  let faces: { A: Buffer; B: Buffer; cardA: Buffer; cardB: Buffer };
  before(async () => {
    rt = await makeRuntime({ build: { stages: () => [...noVideoYet, faceMatchStage, duplicatesStage, riskStage] } });
    // Person A's card carries another photo of A (sample1), as a real document would.
    const [A, A1, B] = await Promise.all([personA3(), personA1(), personB()]);
    faces = { A, B, cardA: await idCard(A1), cardB: await idCard(B) };
  });
  after(async () => rt.cleanup());

  const verifyFace = async (body: unknown, headers: Record<string, string> = { 'x-api-key': rt.apiKey }) => {
    const r = await rt.app.request('/liveness/verify-face', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };

  /** A selfie + document session captured through the capture API from `ip` on a Mac, decided by the worker. */
  async function decided(o: { person: 'A' | 'B'; account: string; ip?: string; referring?: string }) {
    const s = await newCaptureSession(rt, PROFILE, { account_id: o.account, ...(o.referring ? { referring_session_id: o.referring } : {}) });
    assert.equal((await s.cap('PUT', '/selfie', new Uint8Array(o.person === 'A' ? faces.A : faces.B))).status, 200);
    assert.equal((await s.cap('PUT', '/document/front', new Uint8Array(o.person === 'A' ? faces.cardA : faces.cardB))).status, 200);
    // The client-info route resolves the address from the socket, which an in-process request has
    // not: the same use case is called with the address a socket would give.
    const ip = o.ip ?? SEED_IP;
    await saveClientInfo(rt.deps, await loadSession(rt.deps.db, rt.projectId, s.id), {
      user_agent: MAC_CHROME, timezone: 'America/Chicago', language: 'en-US', languages: ['en-US'], platform: 'MacIntel',
      hardware_concurrency: 16, device_memory: 8, gpu: GPU, webdriver: false, touch: false,
    }, { ip, socket_ip: ip, forwarded_for: null });
    assert.equal((await s.cap('POST', '/complete')).status, 200);
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(240_000);
    await w.stop();
    return s.id;
  }

  let genuine: string;
  let first: string;

  test('the field table transcribes the seed sample', () => {
    assert.deepEqual(contractProblems(verifyFaceResponseSample, verifyFaceFields, ['matches.accounts_linked']), []);
    for (const a of verifyFaceResponseSample.matches.accounts_linked) assert.deepEqual(contractProblems(a, accountLinkedFields), []);
  });

  test("a genuine session, with the seed's request: every field of the sample, with its type; decision Real", async () => {
    first = await decided({ person: 'A', account: 'john-doe-1' });
    genuine = await decided({ person: 'A', account: 'john-doe-1', referring: first });
    const session = await (await rt.req('GET', `/v1/sessions/${genuine}`)).json();
    assert.equal(session.result, 'approved', JSON.stringify(session.reasons));

    // The seed's sample request, with this session's id (without vkyc's ses_ prefix, as a Verisoul client keeps a UUID).
    const r = await verifyFace({ ...verifyFaceRequestSample, session_id: genuine.replace(/^ses_/, '') });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = r.body;
    assert.deepEqual(contractProblems(a, verifyFaceFields, ['matches.accounts_linked']), []);
    // Nothing is null that this session provided: only the postal code, which DB-IP Lite does not have.
    const nulls = Object.keys(verifyFaceFields).filter((p) => p.split('.').reduce<any>((o, k) => o?.[k], a) === null);
    assert.deepEqual(nulls, ['session_data.location.zip_code']);

    assert.deepEqual(a.metadata, { project_id: rt.projectId, session_id: genuine, account_id: 'john-doe-1', referring_session_id: first, request_id: a.metadata.request_id, timestamp: rt.clock.now().toISOString() });
    assert.ok(a.metadata.request_id.length > 0);
    assert.equal(a.decision, 'Real');
    assert.equal(a.risk_score, 0);
    assert.deepEqual(a.risk_flags, []);
    assert.deepEqual(a.device_network_signals, { device_risk: 0, proxy: 0, vpn: 0, datacenter: 0, tor: 0, spoofed_ip: 0, recent_fraud_ip: 0, device_network_mismatch: 0 });
    assert.deepEqual(a.referring_session_signals, { impossible_travel: 0, ip_mismatch: 0, user_agent_mismatch: 0 });
    const { network, location, browser, device } = a.session_data;
    assert.deepEqual(network, { ip_address: SEED_IP, service_provider: network.service_provider, connection_type: 'isp' });
    assert.match(network.service_provider, /AT&T|ATT/i);
    assert.equal(location.continent, 'NA');
    assert.equal(location.country_code, 'US');
    assert.equal(location.state, 'Texas');
    assert.equal(location.timezone, 'America/Chicago');
    assert.deepEqual(browser, verifyFaceResponseSample.session_data.browser);
    assert.deepEqual(device, verifyFaceResponseSample.session_data.device);
    assert.deepEqual(a.matches, { num_accounts_linked: 0, accounts_linked: [] }, 'the earlier session is the same account');

    // photo_urls.face: a signed, expiring vkyc media URL of the stored face.
    const url = new URL(a.photo_urls.face);
    assert.equal(url.origin, 'http://vkyc.test');
    assert.equal(url.pathname, `/v1/sessions/${genuine}/media/evidence_selfie_face`);
    const img = await rt.app.request(`${url.pathname}${url.search}`);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    rt.clock.advance(rt.deps.config.MEDIA_URL_TTL_SECONDS + 1);
    assert.equal((await rt.app.request(`${url.pathname}${url.search}`)).status, 403, 'the link expires');
    const tampered = await rt.app.request(`${url.pathname.replace(genuine, first)}${url.search}`);
    assert.equal(tampered.status, 403, 'the signature covers the path');
  });

  test("the same face under another account: risk flag repeat_face, linked account with match_types, not Real", async () => {
    const id = await decided({ person: 'A', account: 'john-doe-2' });
    const r = await verifyFace({ session_id: id });
    assert.equal(r.status, 200);
    assert.deepEqual(contractProblems(r.body, verifyFaceFields, ['matches.accounts_linked']), []);
    assert.deepEqual(r.body.risk_flags, ['repeat_face']);
    assert.equal(r.body.risk_score, 0.8);
    assert.equal(r.body.decision, 'Suspicious', 'repeat_face sends to review');
    // Same IP and same browser as john-doe-1's two sessions.
    assert.deepEqual(r.body.matches, { num_accounts_linked: 1, accounts_linked: [{ account_id: 'john-doe-1', match_types: ['face', 'ip_address', 'browser_fingerprint'] }] });
    for (const l of r.body.matches.accounts_linked) {
      assert.deepEqual(contractProblems(l, accountLinkedFields), []);
      for (const t of l.match_types) assert.ok((MATCH_TYPES as readonly string[]).includes(t), t);
    }
  });

  test('listed IPs: a block-listed IP gives blocked_ip, a VPN-listed one vpn; a Tor exit is Fake', async () => {
    assert.equal((await rt.req('POST', '/v1/lists/block', { kind: 'ip', value: '107.209.253.93' })).status, 201);
    const blocked = await verifyFace({ session_id: await decided({ person: 'B', account: 'bob', ip: '107.209.253.93' }) });
    assert.deepEqual(blocked.body.risk_flags, ['blocked_ip']);
    assert.equal(blocked.body.risk_score, 0.5);
    assert.equal(blocked.body.decision, 'Suspicious');

    await importIpList(rt.deps.db, rt.projectId, [{ list: 'vpn', cidr: '107.209.253.94/32' }, { list: 'tor', cidr: '107.209.253.95/32' }], { replace: false, source: 'test', now: new Date() });
    const vpn = await verifyFace({ session_id: await decided({ person: 'B', account: 'bob', ip: '107.209.253.94' }) });
    assert.deepEqual(vpn.body.risk_flags, ['vpn']);
    assert.equal(vpn.body.device_network_signals.vpn, 1);
    assert.equal(vpn.body.risk_score, 0.4);
    assert.equal(vpn.body.decision, 'Suspicious', 'vpn is a review flag by default');

    const tor = await verifyFace({ session_id: await decided({ person: 'B', account: 'bob', ip: '107.209.253.95' }) });
    assert.deepEqual(tor.body.risk_flags, ['tor']);
    assert.equal(tor.body.device_network_signals.tor, 1);
    assert.equal(tor.body.decision, 'Fake', 'tor declines by default');
    for (const x of [blocked, vpn, tor]) {
      assert.deepEqual(contractProblems(x.body, verifyFaceFields, ['matches.accounts_linked']), []);
      assert.ok((DECISIONS as readonly string[]).includes(x.body.decision));
    }
  });

  test('errors: vkyc coded errors (the seed shows no error shape)', async () => {
    const code = (r: { body: { error?: { code: string } } }) => r.body.error?.code;
    const none = await verifyFace(verifyFaceRequestSample, {});
    assert.deepEqual([none.status, code(none)], [401, 'unauthorized']);
    const bad = await verifyFace(verifyFaceRequestSample, { 'x-api-key': 'vk_test_nope' });
    assert.deepEqual([bad.status, code(bad)], [401, 'api_key_invalid']);
    const unknown = await verifyFace(verifyFaceRequestSample);
    assert.deepEqual([unknown.status, code(unknown)], [404, 'session_not_found']);
    for (const body of [{}, { session_id: '' }, { session_id: 42 }, { session_id: 'a/b' }, { ...verifyFaceRequestSample, extra: 1 }]) {
      const r = await verifyFace(body);
      assert.deepEqual([r.status, code(r)], [422, 'validation_failed'], JSON.stringify(body));
    }
    const notJson = await verifyFace('{');
    assert.deepEqual([notJson.status, code(notJson)], [400, 'invalid_json']);
    const big = await verifyFace({ session_id: 'x', pad: 'y'.repeat(5000) });
    assert.deepEqual([big.status, code(big)], [413, 'payload_too_large']);
    const open = await newCaptureSession(rt, PROFILE);
    const undecided = await verifyFace({ session_id: open.id });
    assert.deepEqual([undecided.status, code(undecided)], [409, 'session_not_decided']);
  });
});
