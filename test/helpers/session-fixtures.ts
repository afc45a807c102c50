import { apiKeyActor, systemActor } from '../../src/domain/actor.ts';
import { sessionBlobPrefix } from '../../src/sessions/blob-keys.ts';
import { loadSession, type CapturePlan } from '../../src/sessions/rows.ts';
import { execute, recordUpload } from '../../src/sessions/store.ts';
import type { TestRuntime } from './runtime.ts';

// Test fixtures that shape a session without the capture page, through the session store (the
// only writer of sessions and artifacts): they run the same commands the product runs.

const ref = (rt: TestRuntime, sessionId: string, projectId = rt.projectId) => ({ projectId, sessionId });

/** Stores bytes as an artifact of the session, as an upload would (no sniffing or quality gates). */
export async function storeArtifact(rt: TestRuntime, sessionId: string, kind: string, bytes: Uint8Array, contentType = 'image/jpeg', meta: unknown = null) {
  const key = `${sessionBlobPrefix(rt.projectId, sessionId)}${kind}`;
  await rt.deps.blobs.put(key, bytes);
  await recordUpload(rt.deps, ref(rt, sessionId), { kind, blob_key: key, content_type: contentType, bytes: bytes.length, meta: meta === null ? null : JSON.stringify(meta) }, apiKeyActor(rt.projectId, 'key_fixture'));
}

/** Records device information as the capture page does. */
export async function recordClientInfo(rt: TestRuntime, sessionId: string, info: Record<string, unknown>) {
  await execute(rt.deps, ref(rt, sessionId), { type: 'client_info_recorded', info }, apiKeyActor(rt.projectId, 'key_fixture'));
}

/** Submits the capture (→ processing, verify job in the outbox; it runs only when workers run). */
export async function submitCapture(rt: TestRuntime, sessionId: string) {
  await execute(rt.deps, ref(rt, sessionId), { type: 'complete', report: null }, apiKeyActor(rt.projectId, 'key_fixture'));
}

/** Replaces the drawn phrase/challenges (a test that synthesises speech must know the words). */
export async function redrawCapturePlan(rt: TestRuntime, sessionId: string, change: (plan: CapturePlan) => CapturePlan) {
  const s = await loadSession(rt.deps.db, rt.projectId, sessionId);
  if (!s.capture_plan) throw new Error('the session has no capture plan');
  await execute(rt.deps, ref(rt, sessionId), { type: 'capture_plan_drawn', plan: change(s.capture_plan) }, systemActor(rt.projectId, 'test'));
}
