import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbedEvents } from '../../../web/capture/src/embed-events.ts';
import { captureUrl } from '../../../web/embed/capture-url.ts';

// The capture page's events for an embedding page (docs/embed.md): only to allowed origins, never
// '*', the known parent only when the browser tells it; once-only events are sent once.

function recorder() {
  const sent: Array<{ origin: string; message: { source: string; version: number; type: string; data: unknown } }> = [];
  return { sent, target: { postMessage: (message: unknown, origin: string) => sent.push({ origin, message: message as never }) } };
}

test('posts to the known parent origin only when it is allowed', () => {
  const r = recorder();
  const ev = new EmbedEvents(['https://shop.example', 'https://other.example'], r.target, 'https://shop.example');
  assert.equal(ev.embedded, true);
  ev.emit('started', { session_id: 'ses_1' });
  assert.deepEqual(r.sent, [{ origin: 'https://shop.example', message: { source: 'vkyc', version: 1, type: 'started', data: { session_id: 'ses_1' } } }]);

  const stranger = recorder();
  const ev2 = new EmbedEvents(['https://shop.example'], stranger.target, 'https://evil.example');
  ev2.emit('completed', { session_id: 'ses_1' });
  assert.equal(ev2.embedded, false);
  assert.deepEqual(stranger.sent, []);
});

test('unknown parent (no ancestorOrigins): one post per allowed origin, never "*"; not framed: nothing', () => {
  const r = recorder();
  new EmbedEvents(['https://a.example', 'https://b.example'], r.target, null).emit('error', { code: 'network', message: 'x' });
  assert.deepEqual(r.sent.map((s) => s.origin), ['https://a.example', 'https://b.example']);
  const none = new EmbedEvents(['https://a.example'], null, null);
  assert.equal(none.embedded, false);
  none.emit('started');
  const empty = recorder();
  const noList = new EmbedEvents([], empty.target, null);
  noList.emit('started');
  assert.deepEqual(empty.sent, []);
});

test('started/completed/canceled once; step_completed once per step; error every time', () => {
  const r = recorder();
  const ev = new EmbedEvents(['https://shop.example'], r.target, 'https://shop.example');
  ev.emit('started');
  ev.emit('started');
  ev.emit('step_completed', { step: 'selfie' });
  ev.emit('step_completed', { step: 'selfie' });
  ev.emit('step_completed', { step: 'video' });
  ev.emit('error', { code: 'network' });
  ev.emit('error', { code: 'network' });
  ev.emit('completed');
  ev.emit('completed');
  assert.deepEqual(r.sent.map((s) => `${s.message.type}${(s.message.data as { step?: string }).step ? `:${(s.message.data as { step: string }).step}` : ''}`),
    ['started', 'step_completed:selfie', 'step_completed:video', 'error', 'error', 'completed']);
});

test('<vkyc-capture session>: a capture URL or a bare token; anything else refused', () => {
  const base = 'https://kyc.example';
  assert.equal(captureUrl('cap_abc.DEF-1_2', base)?.href, 'https://kyc.example/capture/cap_abc.DEF-1_2');
  assert.equal(captureUrl(' https://kyc.example/capture/cap_x ', base)?.href, 'https://kyc.example/capture/cap_x');
  for (const bad of ['javascript:alert(1)', 'https://kyc.example/dashboard', 'cap_<script>', '', 'data:text/html,hi']) assert.equal(captureUrl(bad, base), null, bad);
});
