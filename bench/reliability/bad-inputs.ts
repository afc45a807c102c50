// Bad inputs across every route family. A case passes when the server answers a 4xx with a stable
// error code (never a 5xx, never a hang) and its RSS grows by at most RSS_LIMIT_MB while it runs.
import type { Fixtures } from './fixtures.ts';
import { rawRequest, type RawRequest, type RawResponse } from './http.ts';
import type { CaseResult, Report } from './report.ts';
import type { TestServer } from './server.ts';

export interface BadCase {
  family: string;
  name: string;
  req: RawRequest;
  /** Default: a 4xx with an error code. */
  expect?: (r: RawResponse) => boolean;
}

/**
 * A refused request should cost the server a few buffers. 64 MB: the idle server's RSS moved by up
 * to ~20 MB between two samples 1 s apart in the runs this suite was built with (GC timing), and a
 * buffered 100 MB body shows as ≥ 100 MB, so the bound separates the two cleanly.
 */
export const RSS_LIMIT_MB = 64;
/** Size of the streamed oversized bodies: above every route's limit, big enough to show in RSS. */
const BIG = 100 * 1024 * 1024;
const json = { 'content-type': 'application/json' };
const is4xxWithCode = (r: RawResponse) => r.status >= 400 && r.status < 500 && r.code !== '-' && r.code !== '' && r.status !== 0;
/** ZOLOZ answers errors as HTTP 200 with resultStatus F (its wire format) or 4xx with a resultCode. */
const zolozRefused = (r: RawResponse) => r.status < 500 && r.status !== 0 && r.code !== 'SUCCESS' && r.code !== '-' && /"resultStatus"\s*:\s*"F"|"error"/.test(r.text);
const b64 = (b: Buffer) => b.toString('base64');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function multipart(field: string, file: Buffer, type: string) {
  const boundary = 'relboundary7f3a';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${field}"; filename="x"\r\ncontent-type: ${type}\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
}

export function badCases(f: Fixtures): BadCase[] {
  const key = { authorization: `Bearer ${f.keyA}` };
  const cap = (t: string) => ({ authorization: `Bearer ${t}` });
  const m = f.media;
  const sess = (name: string, body: string | Buffer, extra: Partial<RawRequest> = {}): BadCase => ({ family: 'sessions', name, req: { method: 'POST', path: '/v1/sessions', headers: { ...key, ...json }, body, ...extra } });
  const profile = { steps: ['selfie'] };
  const C = (name: string, method: string, path: string, token: string, body?: Buffer | string, headers: Record<string, string> = {}, extra: Partial<RawRequest> = {}): BadCase =>
    ({ family: 'capture', name, req: { method, path: `/v1/capture${path}`, headers: { ...cap(token), ...headers }, ...(body === undefined ? {} : { body }), ...extra } });
  const R = (name: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): BadCase =>
    ({ family: 'resumable', name, req: { method, path: `/v1/capture/video/uploads${path}`, headers: { ...cap(f.full.token), ...headers }, ...(body === undefined ? {} : { body }) } });
  const W = (name: string, method: string, path: string, body?: string): BadCase =>
    ({ family: 'webhooks', name, req: { method, path: `/v1/webhooks${path}`, headers: { ...key, ...json }, ...(body === undefined ? {} : { body }) } });
  const F = (family: string, name: string, path: string, headers: Record<string, string>, body: string | Buffer | undefined, extra: Partial<RawRequest> = {}): BadCase =>
    ({ family, name, req: { method: 'POST', path, headers: { ...key, ...headers }, ...(body === undefined ? {} : { body }), ...extra } });
  const verifyBody = (frames: unknown) => JSON.stringify({ challengeToken: 'not-a-real-token-0123456789', frames });
  const frame = { challengeIndex: 0, image: b64(m.goodJpeg), timestamp: 1700000000 };
  const Z = (name: string, path: string, body: string, extra: Partial<RawRequest> = {}): BadCase =>
    ({ family: 'zoloz', name, req: { method: 'POST', path: `/api/v1/zoloz/videoverify${path}`, headers: { ...key, ...json }, body, ...extra }, expect: zolozRefused });
  const mediaPath = new URL(f.withMedia.mediaUrl).pathname;

  return [
    // sessions
    sess('invalid JSON', '{"profile":'),
    sess('XML body', '<session><profile/></session>', { headers: { ...key, 'content-type': 'application/xml' } }),
    sess('profile of the wrong type', JSON.stringify({ profile: 'selfie' })),
    sess('unknown field', JSON.stringify({ profile, colour: 'red' })),
    sess('empty steps', JSON.stringify({ profile: { steps: [] } })),
    sess('external_id of 300 chars', JSON.stringify({ profile, external_id: 'x'.repeat(300) })),
    sess('huge string (1 MB external_id)', JSON.stringify({ profile, external_id: 'x'.repeat(1024 * 1024) })),
    sess('metadata nested 30 000 levels', `{"profile":{"steps":["selfie"]},"metadata":{"a":${nested(30_000)}}}`),
    sess('NUL byte in external_id', JSON.stringify({ profile, external_id: 'a\u0000b' })),
    sess('NUL byte in account_id', JSON.stringify({ profile, account_id: '\u0000' })),
    sess('expires_in 1e309 (Infinity)', '{"profile":{"steps":["selfie"]},"expires_in":1e309}'),
    sess('redirect_url javascript:', JSON.stringify({ profile, redirect_url: 'javascript:alert(1)' })),
    sess('streamed 100 MB body, no Content-Length', '', { body: undefined, streamBytes: BIG }),
    sess('Content-Length 10 GB, 1 KB sent', 'x'.repeat(1024), { declaredLength: 10 * 1024 ** 3, timeoutMs: 10_000 }),
    // Node's HTTP parser reads the bytes past the declared length as a next request and answers a
    // bare 400 before the app does: refused, but without an error body, so only the status counts.
    { ...sess('Content-Length 10, 5 KB sent', JSON.stringify({ profile, metadata: { pad: 'x'.repeat(5000) } }), { declaredLength: 10 }), expect: (r) => r.status >= 400 && r.status < 500 },
    { family: 'sessions', name: 'list: limit=abc', req: { method: 'GET', path: '/v1/sessions?limit=abc', headers: key } },
    { family: 'sessions', name: 'list: unknown filter', req: { method: 'GET', path: '/v1/sessions?colour=red', headers: key } },
    { family: 'sessions', name: 'list: NUL in external_id filter', req: { method: 'GET', path: '/v1/sessions?external_id=a%00b', headers: key } },
    { family: 'sessions', name: 'get: NUL in path id', req: { method: 'GET', path: '/v1/sessions/ses_%00', headers: key } },
    { family: 'sessions', name: 'get: unknown id', req: { method: 'GET', path: '/v1/sessions/ses_doesnotexist', headers: key } },
    { family: 'sessions', name: 'get: 5000-char id', req: { method: 'GET', path: `/v1/sessions/${'a'.repeat(5000)}`, headers: key } },
    { family: 'sessions', name: 'cancel: unknown id', req: { method: 'POST', path: '/v1/sessions/ses_nope/cancel', headers: key } },
    { family: 'sessions', name: 'review: result "maybe"', req: { method: 'POST', path: `/v1/sessions/${f.full.id}/review`, headers: { ...key, ...json }, body: JSON.stringify({ result: 'maybe', reviewer: 'r' }) } },
    { family: 'sessions', name: 'no API key', req: { method: 'GET', path: '/v1/sessions' } },
    { family: 'sessions', name: 'malformed API key', req: { method: 'GET', path: '/v1/sessions', headers: { authorization: 'Bearer vk_test_nope' } } },
    // capture API and uploads
    C('selfie: text sent as image/jpeg', 'PUT', '/selfie', f.full.token, 'hello, not an image', { 'content-type': 'image/jpeg' }),
    C('selfie: truncated JPEG', 'PUT', '/selfie', f.full.token, m.truncatedJpeg, { 'content-type': 'image/jpeg' }),
    C('selfie: PNG header over garbage', 'PUT', '/selfie', f.full.token, m.pngOverGarbage, { 'content-type': 'image/png' }),
    C('selfie: 60000×60000 PNG (bomb)', 'PUT', '/selfie', f.full.token, m.hugePng, { 'content-type': 'image/png' }),
    C('selfie: empty body', 'PUT', '/selfie', f.full.token, ''),
    C('selfie: streamed 100 MB', 'PUT', '/selfie', f.full.token, undefined, { 'content-type': 'image/jpeg' }, { streamBytes: BIG }),
    C('document: Content-Length 10 GB, 1 KB sent', 'PUT', '/document/front', f.full.token, m.goodJpeg.subarray(0, 512), { 'content-type': 'image/jpeg' }, { declaredLength: 10 * 1024 ** 3, timeoutMs: 10_000 }),
    C('document back: step not in profile', 'PUT', '/document/back', f.shortVideo.token, m.goodJpeg, { 'content-type': 'image/jpeg' }),
    C('video: random bytes', 'PUT', '/video', f.full.token, m.pngOverGarbage.subarray(8), { 'content-type': 'video/webm' }),
    C('video: truncated WebM', 'PUT', '/video', f.full.token, m.truncatedWebm, { 'content-type': 'video/webm' }),
    C('video: MP4 with patched codec tag', 'PUT', '/video', f.full.token, m.patchedMp4, { 'content-type': 'video/mp4' }),
    C(`video: ${m.lyingWebmRealSeconds} s WebM whose header says 5 s (max 10 s)`, 'PUT', '/video', f.shortVideo.token, m.lyingWebm, { 'content-type': 'video/webm' }),
    C('video: streamed 30 MB over MAX_VIDEO_BYTES 20 MB', 'PUT', '/video', f.full.token, undefined, { 'content-type': 'video/webm' }, { streamBytes: 30 * 1024 * 1024 }),
    C('selfie: API key instead of capture token', 'PUT', '/selfie', f.keyA, m.goodJpeg, { 'content-type': 'image/jpeg' }),
    C('client-info: invalid JSON', 'POST', '/client-info', f.full.token, '{"user_agent":', json),
    C('client-info: wrong types', 'POST', '/client-info', f.full.token, JSON.stringify({ screen: 'big', touch: 'yes' }), json),
    C('client-info: unknown field', 'POST', '/client-info', f.full.token, JSON.stringify({ gps: [1, 2] }), json),
    C('client-info: NUL in user_agent', 'POST', '/client-info', f.full.token, JSON.stringify({ user_agent: 'a\u0000b' }), json),
    C('client-info: streamed 100 MB', 'POST', '/client-info', f.full.token, undefined, json, { streamBytes: BIG }),
    C('client-info: after submission', 'POST', '/client-info', f.submitted.token, JSON.stringify({ user_agent: 'late' }), json),
    C('selfie: after submission', 'PUT', '/selfie', f.submitted.token, m.goodJpeg, { 'content-type': 'image/jpeg' }),
    C('complete: steps missing', 'POST', '/complete', f.full.token),
    R('start: content_type image/png', 'POST', '', JSON.stringify({ content_type: 'image/png', size: 10 }), json),
    R('start: negative size', 'POST', '', JSON.stringify({ content_type: 'video/webm', size: -1 }), json),
    R('start: 10 GB size', 'POST', '', JSON.stringify({ content_type: 'video/webm', size: 10 * 1024 ** 3 }), json),
    R('append: unknown upload id', 'PATCH', '/upl_nope', 'abc', { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    R('append: Upload-Offset abc', 'PATCH', `/${f.uploadId}`, 'abc', { 'upload-offset': 'abc', 'content-type': 'application/offset+octet-stream' }),
    R('append: wrong offset', 'PATCH', `/${f.uploadId}`, 'abc', { 'upload-offset': '999', 'content-type': 'application/offset+octet-stream' }),
    R('append: more bytes than declared size', 'PATCH', `/${f.uploadId}`, Buffer.alloc(5000, 1), { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    R('offset: NUL in upload id', 'GET', '/upl_%00'),
    // signed media URLs (more in the tampering section)
    { family: 'media', name: 'no signature', req: { method: 'GET', path: mediaPath } },
    { family: 'media', name: 'exp=abc', req: { method: 'GET', path: `${mediaPath}?exp=abc&sig=x` } },
    { family: 'media', name: 'kind ../../secret.key', req: { method: 'GET', path: `/v1/sessions/${f.withMedia.id}/media/..%2F..%2Fsecret.key?exp=9999999999&sig=x` } },
    { family: 'media', name: 'NUL in session id', req: { method: 'GET', path: '/v1/sessions/%00/media/selfie?exp=9999999999&sig=x' } },
    // webhooks
    W('ftp URL', 'POST', '', JSON.stringify({ url: 'ftp://example.com/x' })),
    W('not a URL', 'POST', '', JSON.stringify({ url: 'hooks please' })),
    W('unknown event type', 'POST', '', JSON.stringify({ url: 'http://203.0.113.10/x', events: ['nope'] })),
    W('URL with credentials', 'POST', '', JSON.stringify({ url: 'http://u:p@203.0.113.10/x' })),
    W('invalid JSON', 'POST', '', '{"url":'),
    W('delete: unknown id', 'DELETE', '/whk_nope'),
    W('deliveries: NUL in id', 'GET', '/whk_%00/deliveries'),
    W('resend: unknown delivery', 'POST', '/deliveries/dlv_nope/resend'),
    // faces
    F('faces', 'compare: text/plain', '/v1/faces/compare', { 'content-type': 'text/plain' }, 'a=1&b=2'),
    F('faces', 'compare: missing b', '/v1/faces/compare', json, JSON.stringify({ a: b64(m.goodJpeg) })),
    F('faces', 'compare: not base64', '/v1/faces/compare', json, JSON.stringify({ a: '!!!', b: '???' })),
    F('faces', 'compare: PNG header over garbage', '/v1/faces/compare', json, JSON.stringify({ a: b64(m.pngOverGarbage), b: b64(m.pngOverGarbage) })),
    F('faces', 'detect: 60000×60000 PNG (bomb)', '/v1/faces/detect', json, JSON.stringify({ image: b64(m.hugePng) })),
    F('faces', 'detect: truncated JPEG (multipart)', '/v1/faces/detect', multipart('image', m.truncatedJpeg, 'image/jpeg').headers, multipart('image', m.truncatedJpeg, 'image/jpeg').body),
    F('faces', 'detect: multipart without the field', '/v1/faces/detect', multipart('other', m.goodJpeg, 'image/jpeg').headers, multipart('other', m.goodJpeg, 'image/jpeg').body),
    F('faces', 'detect: streamed 100 MB JSON', '/v1/faces/detect', json, undefined, { streamBytes: BIG }),
    // documents
    F('documents', 'recognize: text/plain', '/v1/documents/recognize', { 'content-type': 'text/plain' }, 'image'),
    F('documents', 'recognize: image is a number', '/v1/documents/recognize', json, JSON.stringify({ image: 123 })),
    F('documents', 'recognize: truncated JPEG', '/v1/documents/recognize', json, JSON.stringify({ image: b64(m.truncatedJpeg) })),
    F('documents', 'recognize: Content-Length 100 MB, 1 KB sent', '/v1/documents/recognize', json, '{"image":"', { declaredLength: BIG, timeoutMs: 10_000 }),
    // liveness
    F('liveness', 'start: invalid JSON', '/v1/liveness/start', json, '{"session_id":'),
    F('liveness', 'start: unknown session', '/v1/liveness/start', json, JSON.stringify({ session_id: 'ses_nope' })),
    F('liveness', 'start: unknown challenge', '/v1/liveness/start', json, JSON.stringify({ session_id: f.full.id, challenges: ['fly'] })),
    F('liveness', 'verify: invalid JSON', '/v1/liveness/verify', json, '{"frames":['),
    F('liveness', 'verify: frames is a string', '/v1/liveness/verify', json, verifyBody('all of them')),
    F('liveness', 'verify: forged token', '/v1/liveness/verify', json, verifyBody([frame, frame])),
    F('liveness', 'verify: landmarks nested 30 000 levels', '/v1/liveness/verify', json, `{"challengeToken":"not-a-real-token-0123456789","frames":[{"challengeIndex":0,"image":"${b64(m.goodJpeg)}","timestamp":1700000000,"landmarks":{"a":${nested(30_000)}}},{"challengeIndex":0,"image":"${b64(m.goodJpeg)}","timestamp":1700000001}]}`),
    F('liveness', 'verify: streamed 100 MB, no Content-Length', '/v1/liveness/verify', json, undefined, { streamBytes: BIG }),
    F('liveness', 'verify: Content-Length 10 GB, 1 KB sent', '/v1/liveness/verify', json, '{"frames":['.padEnd(1024, ' '), { declaredLength: 10 * 1024 ** 3, timeoutMs: 10_000 }),
    // webapi compat
    F('webapi', 'verify: invalid JSON', `/webapi/kyc/user/${f.full.id}/liveness/verify`, json, '{'),
    F('webapi', 'verify: NUL in uuid', '/webapi/kyc/user/%00/liveness/verify', json, verifyBody([frame, frame])),
    F('webapi', 'verify: streamed 100 MB', `/webapi/kyc/user/${f.full.id}/liveness/verify`, json, undefined, { streamBytes: BIG }),
    // ZOLOZ compat
    Z('initialize: invalid JSON', '/initialize', '{"bizId":'),
    Z('initialize: bizId of 100 chars', '/initialize', JSON.stringify({ bizId: 'b'.repeat(100) })),
    Z('initialize: NUL in bizId', '/initialize', JSON.stringify({ bizId: 'a\u0000b' })),
    Z('initialize: streamed 100 MB', '/initialize', '', { body: undefined, streamBytes: BIG }),
    Z('checkresult: unknown transaction', '/checkresult', JSON.stringify({ bizId: 'x', transactionId: 'ses_nope' })),
    { ...Z('checkresult: no API key', '/checkresult', JSON.stringify({ bizId: 'x', transactionId: 'y' })), req: { method: 'POST', path: '/api/v1/zoloz/videoverify/checkresult', headers: json, body: '{}' } },
    // docs and pages
    { family: 'pages', name: 'docs asset path traversal', req: { method: 'GET', path: '/docs/assets/..%2F..%2Fpackage.json' } },
    { family: 'pages', name: 'dashboard asset not in the list', req: { method: 'GET', path: '/assets/dashboard/..%2Findex.html' } },
    { family: 'pages', name: 'POST to /openapi.json', req: { method: 'POST', path: '/openapi.json', headers: json, body: '{}' } },
    { family: 'pages', name: 'unknown route', req: { method: 'GET', path: '/v2/anything' } },
  ];
}

/** Runs the cases one at a time, sampling the server's RSS every 25 ms for the peak growth. */
export async function runBadInputs(srv: TestServer, f: Fixtures, report: Report, section = 'bad inputs') {
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  const start = await srv.rss();
  let sectionPeak = start;
  const cases = badCases(f);
  for (const c of cases) {
    const before = await srv.rss();
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await srv.rss();
        if (r > peak) peak = r;
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    const res = await rawRequest(srv.base, { timeoutMs: 20_000, ...c.req });
    await new Promise((r) => setTimeout(r, 100)); // a body still being parsed after the answer shows too
    sampling = false;
    await sampler;
    const afterRss = await srv.rss();
    const delta = (peak - before) / 1024 / 1024;
    sectionPeak = Math.max(sectionPeak, peak);
    const alive = srv.pid() !== undefined;
    // A streamed body must be cut off while it streams: the answer comes before all of it was sent.
    const streamedWhole = c.req.streamBytes !== undefined && res.sentAtAnswer >= c.req.streamBytes;
    const ok = (c.expect ?? is4xxWithCode)(res) && delta <= RSS_LIMIT_MB && alive && !streamedWhole;
    const notes = [
      ...(alive ? [] : ['server died']),
      ...(delta > RSS_LIMIT_MB ? [`RSS +${delta.toFixed(0)} MB`] : []),
      ...(c.req.streamBytes !== undefined ? [`answered after ${(res.sentAtAnswer / 1024 / 1024).toFixed(0)} of ${(c.req.streamBytes / 1024 / 1024).toFixed(0)} MB sent`] : []),
    ];
    const row: CaseResult = {
      section, name: `${c.family}: ${c.name}`, status: res.status || res.code, code: res.code, pass: ok, rssDeltaMb: Number(delta.toFixed(1)), rssBeforeMb: Number((before / 1024 / 1024).toFixed(1)), rssAfterMb: Number((afterRss / 1024 / 1024).toFixed(1)), ms: res.ms,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
    report.add(row);
    if (!alive) await srv.start(); // keep measuring the rest; the death is in the row
  }
  await new Promise((r) => setTimeout(r, 2000));
  report.figures(section, { cases: cases.length, families: new Set(cases.map((c) => c.family)).size, rss_start_mb: mb(start), rss_peak_mb: mb(sectionPeak), rss_end_mb: mb(await srv.rss()) });
}
