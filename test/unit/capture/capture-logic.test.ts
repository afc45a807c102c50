import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { en } from '../../../web/capture/i18n/en.ts';
import { de } from '../../../web/capture/i18n/de.ts';
import { es } from '../../../web/capture/i18n/es.ts';
import { fr } from '../../../web/capture/i18n/fr.ts';
import { pt } from '../../../web/capture/i18n/pt.ts';
import { parseSession } from '../../../web/capture/src/api.ts';
import { faceState, SteadyTracker, tightBox } from '../../../web/capture/src/face-guide.ts';
import { createI18n, pickLang } from '../../../web/capture/src/i18n.ts';
import { plan, tokenFromPath } from '../../../web/capture/src/main.ts';
import { assessLuma } from '../../../web/capture/src/quality.ts';
import { pickMimeType } from '../../../web/capture/src/recorder.ts';

// The capture page's pure logic, run in Node (no browser): fast checks next to the Chromium e2e.

const session = (over: Record<string, unknown> = {}) =>
  parseSession({ session_id: 'ses_1', status: 'pending', steps: ['document', 'selfie', 'video'], video_mode: 'self_record', video_max_duration: 30, language: 'fr', expires_at: '2026-01-01T00:00:00Z', completed_steps: [], redirect_url: null, document_back_required: false, phrase: null, challenges: [], ...over });

describe('capture page logic', () => {
  test('token comes from /capture/{token} only', () => {
    assert.equal(tokenFromPath('/capture/cap_abc.def'), 'cap_abc.def');
    assert.equal(tokenFromPath('/capture/cap_abc/'), 'cap_abc');
    assert.equal(tokenFromPath('/capture/'), null);
    assert.equal(tokenFromPath('/other/cap_abc'), null);
  });

  test('plan follows the profile order, adds the back side, skips what the server already has', () => {
    assert.deepEqual(plan(session()).map((t) => t.id), ['document_front', 'selfie', 'video']);
    assert.deepEqual(plan(session({ steps: ['video', 'selfie'] })).map((t) => t.id), ['video', 'selfie']);
    assert.deepEqual(plan(session({ document_back_required: true, completed_steps: ['document_front'] })).map((t) => t.id), ['document_back', 'selfie', 'video']);
    assert.deepEqual(plan(session({ video_mode: 'live_agent' })).map((t) => t.id), ['document_front', 'selfie']);
  });

  test('session parsing rejects what the page cannot use', () => {
    assert.throws(() => parseSession({ status: 'pending' }));
    assert.throws(() => parseSession({ ...session(), steps: ['document', 'dance'] }));
    assert.deepEqual(session({ challenges: [{ type: 'blink', at_seconds: 3 }, { type: 7 }] }).challenges, [{ type: 'blink', at_seconds: 3 }]);
  });

  test('every language has every key, no empty string, same placeholders as English', () => {
    for (const [name, cat] of Object.entries({ es, fr, de, pt })) {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        const v = cat[key];
        assert.ok(v && v.trim(), `${name}.${key} missing`);
        const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
        assert.equal(ph(v), ph(en[key]), `${name}.${key} placeholders`);
      }
    }
  });

  test('language: session first, then browser, then English', () => {
    assert.equal(pickLang('de', ['fr-FR']), 'de');
    assert.equal(pickLang(undefined, ['pt-BR', 'en']), 'pt');
    assert.equal(pickLang('xx', ['it']), 'en');
    assert.equal(createI18n('fr').t('app.stepOf', { n: 2, total: 3 }), 'Étape 2 sur 3');
  });

  test('face state: none, many, far, close, off-centre, dark, blurry, eyes closed, ok', () => {
    const f = (x: number, y: number, w: number, h: number, eyeOpen = 1) => ({ box: [x, y, w, h] as const, measure: { yaw: 0, pitch: 0, eyeOpen, mouthOpen: 0, smile: Number.NaN, mouthWidth: 1, faceSize: h } });
    const good = { luma: 120, sharpness: 50 };
    assert.equal(faceState([], 640, 480, null), 'none');
    assert.equal(faceState([f(0.3, 0.2, 0.3, 0.4), f(0.6, 0.2, 0.2, 0.3)], 640, 480, good), 'many');
    assert.equal(faceState([f(0.45, 0.35, 0.1, 0.15)], 640, 480, good), 'far');
    assert.equal(faceState([f(0.1, 0.0, 0.8, 0.95)], 640, 480, good), 'close');
    assert.equal(faceState([f(0.0, 0.2, 0.3, 0.45)], 640, 480, good), 'center');
    assert.equal(faceState([f(0.32, 0.15, 0.4, 0.6)], 640, 480, { luma: 30, sharpness: 50 }), 'dark');
    assert.equal(faceState([f(0.32, 0.15, 0.4, 0.6)], 640, 480, { luma: 120, sharpness: 3 }), 'blur');
    assert.equal(faceState([f(0.32, 0.15, 0.4, 0.6, 0.1)], 640, 480, good), 'eyes_closed');
    assert.equal(faceState([f(0.32, 0.15, 0.4, 0.6)], 640, 480, good), 'ok');
    // Without a mesh (measure null) the eyes cannot be judged: no false "open your eyes".
    assert.equal(faceState([{ box: [0.32, 0.15, 0.4, 0.6] }], 640, 480, good), 'ok');
  });

  test('steady needs 6 consecutive good, still detections', () => {
    const t = new SteadyTracker();
    const face = { box: [0.3, 0.15, 0.4, 0.6] as const };
    for (let i = 0; i < 5; i++) assert.equal(t.push('ok', face), false);
    assert.equal(t.push('ok', face), true);
    assert.equal(t.push('center', face), false);
    const moving = new SteadyTracker();
    let r = false;
    for (let i = 0; i < 6; i++) r = moving.push('ok', { box: [0.3 + i * 0.02, 0.15, 0.4, 0.6] });
    assert.equal(r, false);
  });

  test('tight box from mesh points', () => {
    assert.deepEqual(tightBox([[0.2, 0.3, 0], [0.6, 0.9, 0], [0.4, 0.5, 0]])?.map((v) => +v.toFixed(2)), [0.2, 0.3, 0.4, 0.6]);
    assert.equal(tightBox(undefined), null);
  });

  test('quality: dark, blurry (flat), glare, sharp', () => {
    const w = 64;
    const h = 48;
    const flat = new Uint8Array(w * h).fill(128);
    assert.deepEqual(assessLuma(flat, w, h).issues, ['blur']);
    assert.deepEqual(assessLuma(new Uint8Array(w * h).fill(20), w, h).issues, ['dark']);
    const checker = Uint8Array.from({ length: w * h }, (_, i) => (((i % w) + Math.floor(i / w)) % 2 ? 40 : 220));
    assert.deepEqual(assessLuma(checker, w, h).issues, []);
    // A blown-out 16×16 patch inside the printed area is glare; the same rows blown out along
    // the frame edge are a white background, not glare.
    const glare = Uint8Array.from(checker, (v, i) => (i % w >= 24 && i % w < 40 && i / w >= 16 && i / w < 32 ? 255 : v));
    assert.deepEqual(assessLuma(glare, w, h).issues, ['glare']);
    const edge = Uint8Array.from(checker, (v, i) => (i < w * 8 ? 255 : v));
    assert.deepEqual(assessLuma(edge, w, h).issues, []);
  });

  test('recorder container: webm where supported, mp4 on Safari', () => {
    assert.equal(pickMimeType((t) => t.startsWith('video/webm')), 'video/webm;codecs=vp8,opus');
    assert.equal(pickMimeType((t) => t === 'video/mp4'), 'video/mp4');
    assert.equal(pickMimeType(() => false), null);
  });
});
