import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { testPatternVideo } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// The issue-13 contract between the capture page and the server: the page reports when the phrase
// was said and when it saw each challenge; the server validates that strictly and stores it.

async function videoSession(rt: TestRuntime) {
  const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['video'], phrase: 'digits', challenges: ['turn_left', 'blink'] } })).json();
  const token = new URL(s.capture_url).pathname.split('/').pop()!;
  const cap = (method: string, path: string, body?: Uint8Array | object | string) =>
    Promise.resolve(rt.app.request(`/v1/capture${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : typeof body === 'string' ? body : JSON.stringify(body),
    }));
  const view = await (await cap('GET', '/session')).json();
  return { id: s.id as string, cap, view };
}

const errorOf = async (r: Response) => ({ status: r.status, code: (await r.json()).error?.code });

describe('capture complete: the page report (issue 13 contract)', () => {
  let rt: TestRuntime;
  let video: Uint8Array;
  before(async () => {
    rt = await makeRuntime();
    video = new Uint8Array(await readFile(await testPatternVideo(3)));
  });
  after(async () => { await rt.cleanup(); });

  test('the capture view says how long the page waits for one challenge', async () => {
    const { view } = await videoSession(rt);
    assert.equal(view.challenge_timeout_seconds, 8);
    // 2–4 challenges drawn from the two allowed types, in the order the user must perform them.
    assert.ok(view.challenges.length >= 2 && view.challenges.every((c: { type: string }) => ['turn_left', 'blink'].includes(c.type)), JSON.stringify(view.challenges));
    assert.equal(view.phrase.kind, 'digits');
  });

  test('a valid report is stored with the plan; the challenges keep their order and at_seconds', async () => {
    const s = await videoSession(rt);
    assert.equal((await s.cap('PUT', '/video', video)).status, 200);
    const [c0, c1] = s.view.challenges as Array<{ type: string }>;
    const body = {
      phrase_window: { from: 0.4, to: 6.1 },
      challenge_events: [
        { type: c0!.type, index: 0, shown_at: 6.5, seen_at: 8.2 },
        { type: c1!.type, index: 1, shown_at: 8.9, seen_at: null },
      ],
    };
    const r = await s.cap('POST', '/complete', body);
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal((await r.json()).status, 'processing');
    const got = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    assert.deepEqual(got.capture_plan.page_report, body);
    assert.deepEqual(got.capture_plan.challenges, s.view.challenges);
  });

  test('no body, an empty body and {} all still complete (API clients, old pages)', async () => {
    for (const body of [undefined, '', {}]) {
      const s = await videoSession(rt);
      await s.cap('PUT', '/video', video);
      const r = await s.cap('POST', '/complete', body);
      assert.equal(r.status, 200, `body ${JSON.stringify(body)}: ${await r.clone().text()}`);
      const got = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
      assert.equal(got.capture_plan.page_report, undefined);
    }
  });

  test('invalid reports are refused with 422 validation_failed and nothing is submitted', async () => {
    const s = await videoSession(rt);
    await s.cap('PUT', '/video', video);
    const [c0, c1] = s.view.challenges as Array<{ type: string }>;
    const ev = (o: object) => ({ type: c0!.type, index: 0, shown_at: 6.5, seen_at: 8.2, ...o });
    const bad: Array<[string, object]> = [
      ['unknown field', { extra: 1 }],
      ['unknown event field', { challenge_events: [ev({ confidence: 1 })] }],
      ['phrase window backwards', { phrase_window: { from: 5, to: 2 } }],
      ['negative time', { challenge_events: [ev({ shown_at: -1 })] }],
      ['seen before shown', { challenge_events: [ev({ seen_at: 6 })] }],
      ['index out of range', { challenge_events: [ev({ index: 5 })] }],
      ['type not the planned one', { challenge_events: [ev({ type: c0!.type === 'smile' ? 'blink' : 'smile' })] }],
      ['out of order', { challenge_events: [{ type: c1!.type, index: 1, shown_at: 6, seen_at: 7 }, ev({ shown_at: 8, seen_at: 9 })] }],
      ['seen_at missing', { challenge_events: [{ type: c0!.type, index: 0, shown_at: 6.5 }] }],
    ];
    for (const [what, body] of bad) {
      assert.deepEqual(await errorOf(await s.cap('POST', '/complete', body)), { status: 422, code: 'validation_failed' }, what);
    }
    assert.deepEqual(await errorOf(await s.cap('POST', '/complete', 'not json')), { status: 400, code: 'invalid_json' });
    assert.deepEqual(await errorOf(await s.cap('POST', '/complete', { phrase_window: null, pad: 'x'.repeat(9000) })), { status: 413, code: 'payload_too_large' });
    // Still completable with a good body: the refused ones did not submit the session.
    assert.equal((await s.cap('POST', '/complete', { phrase_window: { from: 0.5, to: 5 } })).status, 200);
  });
});
