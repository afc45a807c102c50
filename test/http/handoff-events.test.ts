import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { handoffRoutes } from '../../src/http/routes/handoff.ts';
import { MAX_STREAMS_PER_SESSION } from '../../src/handoff/follow-stream.ts';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { jpeg } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// GET /v1/capture/events: the desktop's progress stream after a hand-off, fed by the RealtimeBus
// (the outbox relay publishes each upload's session event). The real app, database, relay and bus.

interface View { session_id: string; status: string; completed_steps: string[] }

/** Reads `session` events off an SSE body; `next()` waits for the next one (null: the stream ended). */
function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let comments = 0;
  return {
    /** Keep-alive comments seen so far: written only when the stream woke and found nothing new. */
    comments: () => comments,
    async next(): Promise<View | null> {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(':')) {
            comments++;
            continue;
          }
          assert.match(block, /^event: session\ndata: /);
          return JSON.parse(block.replace(/^event: session\ndata: /, '')) as View;
        }
        const r = await reader.read();
        if (r.done) return null;
        buf += r.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('capture progress stream (SSE)', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await makeRuntime({ env: { UPLOAD_QUALITY_GATES: 'false' } });
  });
  after(async () => rt.cleanup());

  const events = (token: string) => Promise.resolve(rt.app.request('/v1/capture/events', { headers: { authorization: `Bearer ${token}` } }));

  test('a phone upload and its submit reach the desktop; the stream ends when the session does', async () => {
    const desktop = await newCaptureSession(rt, { steps: ['document', 'selfie'] });
    const other = await newCaptureSession(rt, { steps: ['selfie'] });
    const res = await events(desktop.token);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const sse = sseReader(res);
    const first = await sse.next();
    assert.equal(first?.session_id, desktop.id);
    assert.deepEqual(first?.completed_steps, []);

    assert.equal((await other.cap('PUT', '/selfie', await jpeg())).status, 200);
    assert.equal((await desktop.cap('PUT', '/document/front', await jpeg())).status, 200);
    const second = await sse.next();
    assert.equal(second?.session_id, desktop.id);
    assert.deepEqual(second?.completed_steps, ['document_front']);
    assert.equal(second?.status, 'in_progress');

    assert.equal((await desktop.cap('PUT', '/selfie', await jpeg())).status, 200);
    assert.deepEqual([...((await sse.next())?.completed_steps ?? [])].sort(), ['document_front', 'selfie']);
    assert.equal((await desktop.cap('POST', '/complete')).status, 200);
    const last = await sse.next();
    assert.notEqual(last?.status, 'pending');
    assert.notEqual(last?.status, 'in_progress');
    assert.equal(await sse.next(), null, 'the stream ends once the session no longer takes captures');
  });

  test("pushed by the bus: with no periodic re-read a change still arrives; another session's events do not wake the stream", async () => {
    // The route alone, with keep-alive re-reads an hour apart: only a bus event can bring the change.
    const app = handoffRoutes(rt.deps, { follow: { keepAliveMs: 3_600_000 } });
    const s = await newCaptureSession(rt, { steps: ['document', 'selfie'] });
    const other = await newCaptureSession(rt, { steps: ['selfie'] });
    const res = await app.request('/v1/capture/events', { headers: { authorization: `Bearer ${s.token}` } });
    const sse = sseReader(res);
    assert.deepEqual((await sse.next())?.completed_steps, []);
    // Same project, other session: were it let through, the stream would wake, find its own view
    // unchanged and write a keep-alive comment before the next event.
    assert.equal((await other.cap('PUT', '/selfie', await jpeg())).status, 200);
    await rt.deps.relay.flush();
    assert.equal((await s.cap('PUT', '/selfie', await jpeg())).status, 200);
    assert.deepEqual((await sse.next())?.completed_steps, ['selfie']);
    assert.equal(sse.comments(), 0);
    await sse.cancel();
  });

  test('needs a capture token; at most a few streams per session; a closed session answers one view and ends', async () => {
    const none = await rt.app.request('/v1/capture/events');
    assert.equal(none.status, 401);
    const forged = await events('cap_forged.token');
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'capture_token_invalid');

    const s = await newCaptureSession(rt, { steps: ['selfie'] });
    const open = [];
    for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) {
      const r = await events(s.token);
      assert.equal(r.status, 200);
      const sse = sseReader(r);
      assert.ok(await sse.next());
      open.push(sse);
    }
    const over = await events(s.token);
    assert.equal(over.status, 429);
    assert.equal(((await over.json()) as { error: { code: string } }).error.code, 'rate_limited');
    // A closed stream gives its slot back.
    await open.pop()!.cancel();
    let again: Response | null = null;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      again = await events(s.token);
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(again?.status, 200);
    open.push(sseReader(again!));

    assert.equal((await rt.req('POST', `/v1/sessions/${s.id}/cancel`)).status, 200);
    for (const sse of open) {
      // Each open stream gets the canceled view, then ends.
      let v = await sse.next();
      while (v && v.status !== 'canceled') v = await sse.next();
      assert.equal(v?.status, 'canceled');
      assert.equal(await sse.next(), null);
    }
    const closed = sseReader(await events(s.token));
    assert.equal((await closed.next())?.status, 'canceled');
    assert.equal(await closed.next(), null);
  });
});
