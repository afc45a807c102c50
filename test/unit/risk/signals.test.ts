import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceSignals, languageMismatch, timezoneMismatch } from '../../../src/risk/device.ts';
import { matchLists, normaliseCidr, parseIpListFile } from '../../../src/risk/ip-lists.ts';
import { riskConfigFromEnv } from '../../../src/risk/config.ts';
import { DEFAULT_RISK_POLICY, policyAction, riskPolicySchema, riskScore } from '../../../src/risk/policy.ts';
import { MAX_TRAVEL_KMH, referringSignals } from '../../../src/risk/referring.ts';
import { spoofedIp } from '../../../src/risk/spoofed-ip.ts';

const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36';
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Mobile Safari/537.36';
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/135.0.0.0 Safari/537.36';
const US = { country_code: 'US', timezone: 'America/Chicago' };
const AT = new Date('2026-06-01T12:00:00Z');
const factors = (s: ReturnType<typeof deviceSignals>) => s.factors.map((f) => f.factor);

test('device: the seed\'s Mac Chrome in Austin is clean, desktop, macOS 10.15.7', () => {
  const s = deviceSignals({ user_agent: MAC_CHROME, timezone: 'America/Chicago', language: 'en-US', languages: ['en-US'], webdriver: false, camera_label: 'FaceTime HD Camera' }, US, AT);
  assert.deepEqual(s.factors, []);
  assert.equal(s.device_risk, 0);
  assert.equal(s.device.category, 'desktop');
  assert.equal(s.device.os, 'Mac OS 10.15.7');
  assert.equal(s.device.type, 'Macintosh');
  assert.equal(s.browser.type, 'Chrome');
  assert.equal(s.browser.version, '135.0.0.0');
});

test('device: automation (navigator.webdriver) and headless user agent', () => {
  assert.deepEqual(factors(deviceSignals({ user_agent: MAC_CHROME, webdriver: true }, US, AT)), ['automation']);
  assert.deepEqual(factors(deviceSignals({ user_agent: HEADLESS }, US, AT)), ['headless']);
});

test('device: emulator by software GPU, by a desktop platform under a phone user agent, by no touch', () => {
  assert.deepEqual(factors(deviceSignals({ user_agent: ANDROID, gpu: 'Google SwiftShader', touch: true }, US, AT)), ['emulator']);
  assert.deepEqual(factors(deviceSignals({ user_agent: ANDROID, platform: 'Linux x86_64', touch: true }, US, AT)), ['emulator']);
  assert.deepEqual(factors(deviceSignals({ user_agent: ANDROID, platform: 'Linux armv81', touch: false }, US, AT)), ['emulator']);
  const phone = deviceSignals({ user_agent: ANDROID, platform: 'Linux armv81', touch: true, gpu: 'Adreno (TM) 740' }, US, AT);
  assert.deepEqual(phone.factors, []);
  assert.equal(phone.device.category, 'mobile');
});

test('device: virtual camera by file label, by driver name, by too-perfect frame timing', () => {
  const v = (c: Parameters<typeof deviceSignals>[0]) => deviceSignals({ user_agent: MAC_CHROME, ...c }, US, AT).factors.find((f) => f.factor === 'virtual_camera')?.evidence ?? null;
  assert.match(v({ camera_label: '/tmp/face.y4m' }) ?? '', /names a file/);
  assert.match(v({ camera_label: 'OBS Virtual Camera' }) ?? '', /virtual-camera driver/);
  assert.match(v({ camera_label: 'ManyCam Virtual Webcam' }) ?? '', /virtual-camera driver/);
  assert.match(v({ camera_label: 'HD Webcam', camera_frame_interval_sd_ms: 0.01, camera_frame_intervals: 90 }) ?? '', /too regular/);
  // A real camera's jitter, and too few intervals to judge: no flag.
  assert.equal(v({ camera_label: 'HD Webcam', camera_frame_interval_sd_ms: 2.4, camera_frame_intervals: 90 }), null);
  assert.equal(v({ camera_label: 'HD Webcam', camera_frame_interval_sd_ms: 0.01, camera_frame_intervals: 5 }), null);
});

test('device: timezone mismatch needs another offset AND a zone not used in the IP country', () => {
  assert.equal(timezoneMismatch('America/New_York', US, AT), null); // another US zone
  assert.match(timezoneMismatch('Asia/Shanghai', US, AT) ?? '', /UTC\+08:00/);
  assert.equal(timezoneMismatch('Europe/Paris', { country_code: 'DE', timezone: 'Europe/Berlin' }, AT), null); // same offset
  assert.equal(timezoneMismatch(undefined, US, AT), null);
});

test('device: language mismatch only when every language has a region and none is the IP country', () => {
  assert.equal(languageMismatch(['en-US'], 'US'), null);
  assert.equal(languageMismatch(['en'], 'RU'), null);
  assert.match(languageMismatch(['ru-RU'], 'US') ?? '', /ru-RU/);
  assert.equal(languageMismatch(['ru-RU', 'en-US'], 'US'), null);
  const s = deviceSignals({ user_agent: MAC_CHROME, timezone: 'Europe/Moscow', languages: ['ru-RU'] }, US, AT);
  assert.deepEqual(factors(s), ['timezone_mismatch', 'language_mismatch']);
  assert.equal(s.device_risk, 0.28); // 1 − (1 − 0.2)(1 − 0.1)
});

test('lists: file format with default and per-line list names; CIDR match in both families', () => {
  const entries = parseIpListFile('# tor exits\n185.220.101.1\n185.220.102.0/24  # a block\n\nvpn 2001:db8::/32\n', 'tor');
  assert.deepEqual(entries, [{ list: 'tor', cidr: '185.220.101.1/32' }, { list: 'tor', cidr: '185.220.102.0/24' }, { list: 'vpn', cidr: '2001:db8::/32' }]);
  assert.deepEqual(matchLists(entries, '185.220.102.77'), ['tor']);
  assert.deepEqual(matchLists(entries, '::ffff:185.220.101.1'), ['tor']);
  assert.deepEqual(matchLists(entries, '2001:db8:1::5'), ['vpn']);
  assert.deepEqual(matchLists(entries, '8.8.8.8'), []);
  assert.throws(() => parseIpListFile('1.2.3.4\nnot-an-ip\n', 'tor'), /line 2: not an IP address/);
  assert.throws(() => parseIpListFile('1.2.3.4\n', null), /line 1: list name must be one of/);
  assert.equal(normaliseCidr('10.0.0.0/33'), null);
});

test('spoofed_ip: a forwarded chain from an untrusted peer, a prepended hop, garbage; a clean proxied chain is not', () => {
  const trusted = (a: string) => a === '10.0.0.1';
  assert.equal(spoofedIp('203.0.113.9', null, trusted).spoofed, false);
  assert.equal(spoofedIp('203.0.113.9', '198.51.100.7', trusted).spoofed, true);
  assert.equal(spoofedIp('10.0.0.1', '198.51.100.7', trusted).spoofed, false);
  assert.equal(spoofedIp('10.0.0.1', '1.2.3.4, 198.51.100.7', trusted).spoofed, true);
  assert.equal(spoofedIp('10.0.0.1', 'unknown', trusted).spoofed, true);
});

test('referring: Austin → Paris in 2 h is impossible travel; in 12 h it is not; same city is never', () => {
  const austin = { ip: '107.209.253.92', latitude: 30.3773, longitude: -97.71, user_agent: MAC_CHROME, device_timezone: 'America/Chicago', at: new Date('2026-06-01T10:00:00Z') };
  const paris = { ip: '90.0.0.1', latitude: 48.8566, longitude: 2.3522, user_agent: ANDROID, device_timezone: 'Europe/Paris', at: new Date('2026-06-01T12:00:00Z') };
  const r = referringSignals(paris, austin);
  assert.equal(r.impossible_travel, 1);
  assert.ok(r.travel!.km > 8000 && r.travel!.km < 8300, `${r.travel!.km} km`); // Austin–Paris ≈ 8150 km
  assert.ok(r.travel!.kmh! > MAX_TRAVEL_KMH);
  assert.deepEqual([r.ip_mismatch, r.user_agent_mismatch, r.device_timezone_mismatch], [1, 1, 1]);
  assert.equal(referringSignals({ ...paris, at: new Date('2026-06-01T22:00:00Z') }, austin).impossible_travel, 0);
  const same = referringSignals({ ...austin, at: new Date('2026-06-01T10:05:00Z') }, austin);
  assert.deepEqual([same.impossible_travel, same.ip_mismatch, same.user_agent_mismatch, same.device_timezone_mismatch], [0, 0, 0, 0]);
});

test('score and policy: noisy-OR of weights, default actions, env policy validation', () => {
  assert.deepEqual(riskScore([]), { risk_score: 0, factors: [] });
  assert.equal(riskScore(['tor']).risk_score, 0.8);
  assert.equal(riskScore(['tor', 'datacenter']).risk_score, 0.86); // 1 − 0.2 × 0.7
  assert.equal(policyAction(DEFAULT_RISK_POLICY, 'tor'), 'decline');
  assert.equal(policyAction(DEFAULT_RISK_POLICY, 'vpn'), 'review');
  assert.equal(policyAction(DEFAULT_RISK_POLICY, 'ip_mismatch'), null);
  assert.equal(riskPolicySchema.safeParse({ decline: ['tor'], review: ['tor'] }).success, false);
  assert.equal(riskPolicySchema.safeParse({ decline: ['nope'] }).success, false);
});

test('config: shipped databases by default; a missing file or a bad RISK_POLICY stops the start', () => {
  const c = riskConfigFromEnv({});
  assert.equal(c.geoip.city.length, 2);
  assert.deepEqual(c.policy, DEFAULT_RISK_POLICY);
  assert.throws(() => riskConfigFromEnv({ GEOIP_CITY_DB: '/nonexistent/city.mmdb' }), /file not found: \/nonexistent\/city.mmdb/);
  assert.throws(() => riskConfigFromEnv({ RISK_POLICY: '{"decline":["teleport"]}' }), /RISK_POLICY: decline.0/);
  assert.throws(() => riskConfigFromEnv({ RISK_POLICY: 'tor' }), /RISK_POLICY is not JSON/);
  assert.deepEqual(riskConfigFromEnv({ RISK_POLICY: '{"review":["tor"]}' }).policy, { decline: [], review: ['tor'] });
});
