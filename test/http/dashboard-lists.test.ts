import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashClient, errorCode, makeUser } from '../helpers/dashboard-client.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { decidedSession, FACE_MISMATCH, UNCERTAIN } from '../helpers/review-fixtures.ts';
import { startServer } from '../helpers/server.ts';

// The dashboard's list (filters, sorts, cursor pages, facets), live events, the evidence view and
// its media ranges, the overview stats and the admin settings, over a real socket.

type Server = Awaited<ReturnType<typeof startServer>>;
type Json = Record<string, any>;

describe('dashboard lists, evidence, stats, settings', { timeout: 600_000 }, () => {
  let server: Server;
  let projectA: string;
  let rev: DashClient;
  let admin: DashClient;
  const body = async (r: Response) => (await r.json()) as Json;
  const decided = (o: Parameters<typeof decidedSession>[3] = {}) => decidedSession(server, projectA, server.apiKey, o);
  const s: Record<string, string> = {};

  before(async () => {
    server = await startServer({ workers: false });
    projectA = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    const r = await makeUser(server.runtime.deps, { login: 'lena', projectId: projectA, roles: ['reviewer'] });
    const a = await makeUser(server.runtime.deps, { login: 'adam', projectId: projectA, roles: ['admin'] });
    rev = new DashClient(server.baseUrl);
    admin = new DashClient(server.baseUrl);
    assert.equal((await rev.login('lena', r.password)).status, 200);
    assert.equal((await admin.login('adam', a.password)).status, 200);
    // Five processed sessions, a second apart: two approved, two declined (one in German), one to review.
    const video = new Uint8Array(1000).map((_, i) => i % 251);
    s.ok1 = await decided({ faceScore: 96, externalId: 'ord-1', accountId: 'acc-1' });
    server.clock.advance(1);
    s.bad1 = await decided({ findings: [{ ...FACE_MISMATCH, details: { a: 'selfie', b: 'document', score: 31, threshold: 50, decline_below: 50 } }], faceScore: 31, accountId: 'acc-1', extra: [{ kind: 'video', bytes: video, contentType: 'video/webm' }] });
    server.clock.advance(1);
    s.ok2 = await decided({ faceScore: 88 });
    server.clock.advance(1);
    s.bad2 = await decided({ findings: [FACE_MISMATCH], faceScore: null, language: 'de' });
    server.clock.advance(1);
    s.rev1 = await decided({ findings: [UNCERTAIN], faceScore: 60 });
  });
  after(async () => { await server?.stop(); });

  const ids = (j: Json) => j.data.map((x: Json) => x.id);

  test('filters: result, reason, language, account, id prefix; the items carry reasons, mode and score', async () => {
    assert.deepEqual(ids(await body(await rev.req('GET', '/sessions?result=declined'))), [s.bad2, s.bad1]);
    assert.deepEqual(ids(await body(await rev.req('GET', '/sessions?reason=face_mismatch&language=de'))), [s.bad2]);
    assert.deepEqual(ids(await body(await rev.req('GET', '/sessions?account_id=acc-1'))), [s.bad1, s.ok1]);
    assert.deepEqual(ids(await body(await rev.req('GET', `/sessions?q=${s.rev1!.slice(0, 12)}`))), [s.rev1]);
    assert.deepEqual(ids(await body(await rev.req('GET', '/sessions?q=ord-1'))), [s.ok1], 'an exact external_id');
    const item = (await body(await rev.req('GET', `/sessions?q=${s.bad1}`))).data[0];
    assert.deepEqual([item.reasons, item.video_mode, item.language, item.face_score, item.decided_by], [['face_mismatch'], 'self_record', 'en', 31, 'auto']);
    assert.equal(await errorCode(await rev.req('GET', '/sessions?reason=DROP%20TABLE')), 'validation_failed');
    assert.equal(await errorCode(await rev.req('GET', '/sessions?sort=name')), 'validation_failed');
  });

  test('sort by face score, nulls last, paged by cursor without repeats or gaps, also with a new session arriving', async () => {
    const all = ids(await body(await rev.req('GET', '/sessions?sort=face_score&order=desc&limit=100')));
    assert.deepEqual(all, [s.ok1, s.ok2, s.rev1, s.bad1, s.bad2]);
    assert.deepEqual(ids(await body(await rev.req('GET', '/sessions?sort=face_score&order=asc&limit=100'))), [s.bad1, s.rev1, s.ok2, s.ok1, s.bad2]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Json = await body(await rev.req('GET', `/sessions?sort=face_score&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...ids(page));
      cursor = page.next_cursor;
      if (pages++ === 0) await decided({ faceScore: 99 }); // sorts before the first page: must not shift the next ones
    } while (cursor);
    assert.deepEqual(seen, all);
    assert.equal(await errorCode(await rev.req('GET', `/sessions?sort=created_at&cursor=${'x'.repeat(10)}`)), 'validation_failed');
  });

  test('facets count each value under the other filters', async () => {
    const f = await body(await rev.req('GET', '/sessions/facets?result=declined'));
    assert.equal(f.total, 2);
    assert.equal(f.result.declined, 2);
    assert.ok(f.result.approved >= 2, 'the result facet ignores its own filter');
    assert.deepEqual(f.reason, { face_mismatch: 2 });
    assert.deepEqual(f.language, { en: 1, de: 1 });
  });

  test('live events: the project\'s stream announces a new session and a claim', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.baseUrl}/dashboard/api/events`, { headers: { cookie: rev.cookie! }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${re}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(/event: ready/);
    const created = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie'] } }) });
    const sid = ((await created.json()) as { id: string }).id;
    await until(new RegExp(`event: session.state_changed\\ndata: \\{[^\\n]*"session_id":"${sid}"`));
    assert.match(text, /"previous_state":null/);
    assert.equal((await rev.req('POST', `/sessions/${s.rev1}/claim`, {})).status, 200);
    await until(new RegExp(`event: session.review_claimed\\ndata: \\{[^\\n]*"session_id":"${s.rev1}"`));
    await rev.req('POST', `/sessions/${s.rev1}/release`);
    ac.abort();
    assert.equal((await fetch(`${server.baseUrl}/dashboard/api/events`)).status, 401, 'no cookie, no events');
  });

  test('evidence: reasons in words, same-origin media with byte ranges, audit, nothing invented', async () => {
    const e = await body(await rev.req('GET', `/sessions/${s.bad1}/evidence`));
    assert.equal(e.object, 'evidence');
    assert.equal(e.session.id, s.bad1);
    assert.equal(e.session.pending_approval, null);
    assert.equal(e.reasons[0].code, 'face_mismatch');
    assert.equal(e.reasons[0].severity, 'decline');
    assert.match(e.reasons[0].sentence, /^The faces do not match.*\(selfie ↔ document photo: score 31, needs 50\)$/);
    assert.equal(e.media.video.url, `/dashboard/api/sessions/${s.bad1}/media/video`);
    assert.equal(e.video.url, e.media.video.url);
    assert.equal(e.faces, null, 'the face stage did not run: no pairs');
    assert.equal(e.document, null);
    assert.deepEqual(e.video.challenges.length >= 0, true);
    assert.ok(e.audit.some((a: Json) => a.action === 'decision.auto'));
    const path = e.media.video.url.replace('/dashboard/api', '');
    const whole = await rev.req('GET', path);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal((await whole.arrayBuffer()).byteLength, 1000);
    const part = await rev.req('GET', path, undefined, { headers: { range: 'bytes=500-503' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 500-503/1000');
    assert.deepEqual([...new Uint8Array(await part.arrayBuffer())], [500 % 251, 501 % 251, 502 % 251, 503 % 251]);
    const beyond = await rev.req('GET', path, undefined, { headers: { range: 'bytes=1000-' } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), 'bytes */1000');
    assert.equal((await fetch(`${server.baseUrl}${e.media.video.url}`)).status, 401, 'media need the cookie');
  });

  test('stats: sessions per day, rates, medians, reviewer throughput, score buckets, top reasons', async () => {
    const ok = await rev.req('POST', `/sessions/${s.rev1}/decision`, { action: 'approve', reason_code: 'evidence_verified' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const day = server.clock.now().toISOString().slice(0, 10);
    const st = await body(await rev.req('GET', `/stats?from=${day}&to=${day}`));
    assert.equal(st.sessions_per_day.length, 1);
    const d = st.sessions_per_day[0];
    assert.equal(d.day, day);
    assert.equal(d.approved, 4, 'ok1, ok2, the 99 one, and rev1 after review');
    assert.equal(d.declined, 2);
    assert.equal(st.rates.declined, Math.round((2 / 6) * 1e4) / 1e4);
    assert.equal(st.reviewer_throughput[0].name, 'LENA');
    assert.equal(st.reviewer_throughput[0].decisions, 1);
    assert.equal(st.scores.face_match.threshold, 50);
    assert.equal(st.scores.face_match.buckets.find((b: Json) => b.from === 30).count, 1);
    assert.equal(st.top_reasons[0].code, 'face_mismatch');
    assert.equal(st.top_reasons[0].count, 2);
    assert.equal(typeof st.median_seconds_to_decision.human, 'number');
    assert.equal(await errorCode(await rev.req('GET', '/stats?from=2026-02-01&to=2026-01-01')), 'validation_failed');
  });

  test('settings: four-eyes, claim minutes, branding validated; API keys shown once and revoked; webhook test-send arrives signed', async () => {
    assert.equal(await errorCode(await admin.req('PATCH', '/project/settings', { branding: { name: 'Bank A', color: '#0a5', logo_data_url: null } })), 'validation_failed', 'a colour must be #rrggbb');
    const logo = `data:image/png;base64,${Buffer.alloc(100, 1).toString('base64')}`;
    const good = await admin.req('PATCH', '/project/settings', { review_claim_minutes: 5, branding: { name: 'Bank A', color: '#00aa55', logo_data_url: logo } });
    assert.equal(good.status, 200, await good.clone().text());
    const g = await body(good);
    assert.deepEqual([g.review_claim_minutes, g.branding.name, g.four_eyes], [5, 'Bank A', false]);
    const big = `data:image/png;base64,${Buffer.alloc(201 * 1024, 1).toString('base64')}`;
    assert.equal(await errorCode(await admin.req('PATCH', '/project/settings', { branding: { name: null, color: null, logo_data_url: big } })), 'validation_failed');
    // The route's own body limit (320 KiB, over the 64 KiB default) holds over the socket: a 190 KB
    // logo (≈ 254 KiB as JSON) fits, a body past the limit is cut with 413 before validation.
    const fits = `data:image/png;base64,${Buffer.alloc(190 * 1024, 1).toString('base64')}`;
    assert.equal((await admin.req('PATCH', '/project/settings', { branding: { name: null, color: null, logo_data_url: fits } })).status, 200);
    const huge = `data:image/png;base64,${Buffer.alloc(400 * 1024, 1).toString('base64')}`;
    const cut = await admin.req('PATCH', '/project/settings', { branding: { name: null, color: null, logo_data_url: huge } });
    assert.deepEqual([cut.status, await errorCode(cut)], [413, 'payload_too_large']);
    assert.equal(await errorCode(await admin.req('PATCH', '/project/settings', { require_totp: true })), 'validation_failed', 'not a dashboard setting here');
    const sid = await decided({ findings: [UNCERTAIN] });
    const claim = await body(await rev.req('POST', `/sessions/${sid}/claim`, {}));
    assert.equal(new Date(claim.expires_at).getTime() - server.clock.now().getTime(), 5 * 60_000);

    const key = await admin.req('POST', '/api-keys', { mode: 'test' });
    assert.equal(key.status, 201);
    const k = await body(key);
    assert.match(k.key, /^vk_test_/);
    const listed = await body(await admin.req('GET', '/api-keys'));
    const row = listed.data.find((x: Json) => x.id === k.id);
    assert.equal(row.key, undefined, 'never listed again');
    assert.equal(row.prefix, k.key.slice(0, 16));
    assert.equal((await fetch(`${server.baseUrl}/v1/sessions`, { headers: { authorization: `Bearer ${k.key}` } })).status, 200);
    assert.ok((await body(await admin.req('DELETE', `/api-keys/${k.id}`))).revoked_at);
    assert.equal((await fetch(`${server.baseUrl}/v1/sessions`, { headers: { authorization: `Bearer ${k.key}` } })).status, 401);
    assert.equal(await errorCode(await rev.req('GET', '/api-keys')), 'forbidden');

    let secret: string | undefined;
    const receiver = await startReceiver({ secret: () => secret });
    try {
      const hook = await body(await admin.req('POST', '/webhooks', { url: receiver.url, events: ['video.reviewed'] }));
      secret = hook.secret;
      const sent = await admin.req('POST', `/webhooks/${hook.id}/test`);
      assert.equal(sent.status, 202);
      server.startWorkers();
      await receiver.waitFor(1, 120_000);
      assert.equal(receiver.received[0]!.verified, true, 'signed with the endpoint\'s secret');
      assert.equal(JSON.parse(receiver.received[0]!.body).event, 'webhook.test');
      const log = await body(await admin.req('GET', `/webhooks/${hook.id}/deliveries`));
      assert.equal(log.data[0].type, 'webhook.test');
    } finally {
      await receiver.close();
    }
  });
});
