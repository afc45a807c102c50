import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { sample } from '../helpers/media.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../helpers/runtime.ts';

// The aggregate's states through the API, on SQLite and PostgreSQL: a live-agent session waits in
// `awaiting_agent` (the page still reads `waiting_room`, the API's status stays in_progress), its
// agent decides it through the review endpoint; a session still capturing cannot be reviewed (the
// old review moved in_progress → completed); a review claim keeps other reviewers out.

type Json = Record<string, any>;
const code = async (r: Response) => ((await r.json()) as Json).error?.code as string | undefined;

for (const db of ['sqlite', 'postgres'] as DbKind[]) {
  describe(`session states through the API (${db})`, () => {
    let rt: TestRuntime;
    before(async () => { rt = await makeRuntime({ db }); });
    after(async () => { await rt.cleanup(); });

    test('live agent: complete → awaiting_agent (waiting_room for the page), capture closed, the agent decides', async () => {
      const s = await newCaptureSession(rt, { steps: ['selfie', 'video'], video_mode: 'live_agent' });
      assert.equal((await s.cap('PUT', '/selfie', await sample(1))).status, 200);
      const done = (await (await s.cap('POST', '/complete')).json()) as Json;
      assert.deepEqual([done.status, done.waiting_room, done.redirect_url], ['in_progress', true, null]);
      const page = (await (await s.cap('GET', '/session')).json()) as Json;
      assert.deepEqual([page.status, page.waiting_room], ['in_progress', true]);
      assert.equal(await code(await s.cap('PUT', '/selfie', await sample(1))), 'session_already_completed');
      // The page's device signals may arrive after complete, while the user waits: still recorded.
      assert.equal((await s.cap('POST', '/client-info', { user_agent: 'UA-late' })).status, 200);
      const view = (await (await rt.req('GET', `/v1/sessions/${s.id}`)).json()) as Json;
      assert.deepEqual([view.status, view.state], ['in_progress', 'awaiting_agent']);
      assert.equal(view.client_info.user_agent, 'UA-late');
      assert.equal(view.capture_plan, null, 'no waiting_room flag in a plan any more');
      const listed = (await (await rt.req('GET', '/v1/sessions?status=in_progress')).json()) as Json;
      assert.ok(listed.data.some((x: Json) => x.id === s.id), 'the list filter by the public status still finds it');

      const rv = await rt.req('POST', `/v1/sessions/${s.id}/review`, { result: 'approved', reviewer: 'agent_ann', notes: 'seen on the call' });
      assert.equal(rv.status, 200);
      const video = (await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json()) as Json;
      assert.deepEqual([video.status, video.result, video.agent_id, video.agent_notes], ['completed', 'approved', 'agent_ann', 'seen on the call']);
      const trail = (await (await rt.req('GET', `/v1/sessions/${s.id}/audit`)).json()) as Json;
      assert.deepEqual(trail.data.map((a: Json) => a.action), ['decision.agent']);
      assert.match(trail.data[0].actor, /^key_/, 'the actor is the API key, not the body');
      assert.deepEqual(trail.data[0].details.reviewed_by.name_source, 'integrator');
    });

    test('a session still capturing cannot be reviewed (reviews are for processed sessions)', async () => {
      const s = await newCaptureSession(rt, { steps: ['selfie'] });
      assert.equal((await s.cap('PUT', '/selfie', await sample(1))).status, 200);
      const rv = await rt.req('POST', `/v1/sessions/${s.id}/review`, { result: 'approved', reviewer: 'r' });
      assert.equal(rv.status, 409);
      assert.equal(await code(rv), 'session_not_reviewable');
      const view = (await (await rt.req('GET', `/v1/sessions/${s.id}`)).json()) as Json;
      assert.deepEqual([view.status, view.result], ['in_progress', null]);
    });

    test('cancel: open sessions only; the audit names the key', async () => {
      const s = await newCaptureSession(rt, { steps: ['selfie'] });
      assert.equal((await rt.req('POST', `/v1/sessions/${s.id}/cancel`)).status, 200);
      assert.equal(await code(await rt.req('POST', `/v1/sessions/${s.id}/cancel`)), 'session_not_cancelable');
      assert.equal(await code(await s.cap('PUT', '/selfie', await sample(1))), 'session_canceled');
      const trail = (await (await rt.req('GET', `/v1/sessions/${s.id}/audit`)).json()) as Json;
      assert.deepEqual(trail.data.map((a: Json) => a.action), ['session.canceled']);
    });

    test('review claims: not on an unprocessed session; release needs a claim', async () => {
      const s = await newCaptureSession(rt, { steps: ['selfie'] });
      assert.equal(await code(await rt.req('POST', `/v1/sessions/${s.id}/review/claim`, {})), 'session_not_reviewable');
      assert.equal(await code(await rt.req('POST', `/v1/sessions/${s.id}/review/release`)), 'review_not_claimed');
      assert.equal(await code(await rt.req('POST', `/v1/sessions/${s.id}/review/claim`, { ttl_seconds: 5 })), 'validation_failed');
    });
  });
}
