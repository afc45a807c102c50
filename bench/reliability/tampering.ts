// Capture tokens, signed media URLs and liveness tokens, altered: flipped characters, swapped
// session ids, changed expiry, expired but validly signed. Every one must be refused; one untouched
// request of each kind is the control that shows the suite's tokens work at all.
import { signMediaPath, signToken } from '../../src/domain/signing.ts';
import { createSession, type Fixtures } from './fixtures.ts';
import { api, rawRequest, type RawResponse } from './http.ts';
import type { Report } from './report.ts';
import type { TestServer } from './server.ts';

const SECTION = 'tampering';

/** Changes one character in the middle of `s` to a different base64url character. */
export function flip(s: string, at = Math.floor(s.length / 2)): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}

export async function runTampering(srv: TestServer, f: Fixtures, report: Report) {
  const base = srv.base;
  const other = await createSession(base, f.keyA, { steps: ['selfie'] });
  const bSession = await createSession(base, f.keyB, { steps: ['selfie'] });
  const canceled = await createSession(base, f.keyA, { steps: ['selfie'] });
  await api(base, f.keyA, 'POST', `/v1/sessions/${canceled.id}/cancel`);
  const tok = f.full.token.slice(4); // without cap_
  const [body = '', mac = ''] = tok.split('.');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { sid: string; pid: string; exp: number };
  const swapped = Buffer.from(JSON.stringify({ ...claims, sid: other.id })).toString('base64url');
  const past = Math.floor(Date.now() / 1000) - 3600;
  const expired = `cap_${signToken(srv.secret, 'capture', { ...claims, exp: past })}`;
  const wrongPurpose = `cap_${signToken(srv.secret, 'media', claims)}`;
  const capCases: Array<[string, string, (r: RawResponse) => boolean]> = [
    ['capture: control (untouched token)', f.full.token, (r) => r.status === 200],
    ['capture: payload character flipped', `cap_${flip(body)}.${mac}`, refused],
    ['capture: signature character flipped', `cap_${body}.${flip(mac)}`, refused],
    ['capture: last character dropped', f.full.token.slice(0, -1), refused],
    ['capture: session id swapped in payload', `cap_${swapped}.${mac}`, refused],
    ['capture: signature of another session', `cap_${body}.${other.token.split('.')[1]}`, refused],
    ['capture: expired, validly signed', expired, (r) => refused(r) && r.code === 'capture_token_expired'],
    ['capture: signed for another purpose', wrongPurpose, refused],
    ['capture: extra segment', `${f.full.token}.x`, refused],
    ['capture: prefix only', 'cap_', refused],
  ];
  for (const [name, token, ok] of capCases) {
    const r = await rawRequest(base, { method: 'GET', path: '/v1/capture/session', headers: { authorization: `Bearer ${token}` } });
    report.add({ section: SECTION, name, status: r.status || r.code, code: r.code, pass: ok(r), ms: r.ms });
  }
  // A canceled session's token still verifies; writing with it must not.
  const up = await rawRequest(base, { method: 'PUT', path: '/v1/capture/selfie', headers: { authorization: `Bearer ${canceled.token}`, 'content-type': 'image/jpeg' }, body: f.media.goodJpeg });
  report.add({ section: SECTION, name: 'capture: upload with a canceled session\'s token', status: up.status || up.code, code: up.code, pass: refused(up), ms: up.ms });

  const u = new URL(f.withMedia.mediaUrl);
  const path = u.pathname;
  const exp = Number(u.searchParams.get('exp'));
  const sig = u.searchParams.get('sig') ?? '';
  const swapPath = path.replace(f.withMedia.id, other.id);
  const bPath = path.replace(f.withMedia.id, bSession.id);
  const mediaCases: Array<[string, string, (r: RawResponse) => boolean]> = [
    ['media: control (untouched URL)', `${path}?exp=${exp}&sig=${sig}`, (r) => r.status === 200],
    ['media: signature character flipped', `${path}?exp=${exp}&sig=${flip(sig)}`, refused],
    ['media: session id swapped', `${swapPath}?exp=${exp}&sig=${sig}`, refused],
    ['media: tenant B session id swapped in', `${bPath}?exp=${exp}&sig=${sig}`, refused],
    ['media: kind swapped (selfie → video)', `${path.replace(/selfie$/, 'video')}?exp=${exp}&sig=${sig}`, refused],
    ['media: expiry extended by a day', `${path}?exp=${exp + 86400}&sig=${sig}`, refused],
    ['media: expired, validly signed', `${path}?exp=${past}&sig=${signMediaPath(srv.secret, path, past)}`, (r) => refused(r) && r.code === 'media_url_expired'],
    ['media: empty signature', `${path}?exp=${exp}&sig=`, refused],
    ['media: signature truncated', `${path}?exp=${exp}&sig=${sig.slice(0, 20)}`, refused],
    ['media: path upper-cased', `${path.toUpperCase()}?exp=${exp}&sig=${sig}`, refused],
  ];
  for (const [name, p, ok] of mediaCases) {
    const r = await rawRequest(base, { method: 'GET', path: p });
    report.add({ section: SECTION, name, status: r.status || r.code, code: r.code, pass: ok(r), ms: r.ms });
  }

  // Liveness challenge tokens: a real one from /v1/liveness/start, altered.
  const start = await api(base, f.keyA, 'POST', '/v1/liveness/start', { session_id: f.full.id });
  const lt = typeof start.json?.token === 'string' ? (start.json.token as string) : typeof start.json?.challengeToken === 'string' ? (start.json.challengeToken as string) : '';
  if (!lt) {
    report.add({ section: SECTION, name: 'liveness: could not get a token', status: start.status, code: '-', pass: false, note: start.text.slice(0, 120) });
    return;
  }
  const frame = { challengeIndex: 0, image: f.media.goodJpeg.toString('base64'), timestamp: Math.floor(Date.now() / 1000) };
  for (const [name, t] of [['liveness: token character flipped', flip(lt)], ['liveness: token truncated', lt.slice(0, -3)], ['liveness: token of another purpose (capture token)', f.full.token]] as const) {
    const r = await rawRequest(base, { method: 'POST', path: '/v1/liveness/verify', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeToken: t, frames: [frame, frame] }) });
    report.add({ section: SECTION, name, status: r.status || r.code, code: r.code, pass: refused(r), ms: r.ms });
  }
}

function refused(r: RawResponse) {
  return r.status >= 400 && r.status < 500 && r.code !== '-';
}
