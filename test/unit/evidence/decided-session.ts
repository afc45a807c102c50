import { systemActor } from '../../../src/domain/actor.ts';
import { sessionBlobPrefix } from '../../../src/sessions/blob-keys.ts';
import { execute, recordEvidence } from '../../../src/sessions/store.ts';
import { jpeg } from '../../helpers/media.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../../helpers/session-fixtures.ts';

/**
 * A decided session built through the store's own commands (no models): a selfie, an evidence crop
 * the "pipeline" kept, an automatic decision with one finding, then a human review by API key.
 */
export async function decidedSession(rt: TestRuntime, o: { review?: boolean } = {}) {
  const s = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] }, external_id: 'order-7' })).json()) as { id: string };
  const selfie = await jpeg(320, 240, { r: 200, g: 120, b: 90 });
  const crop = await jpeg(96, 96, { r: 90, g: 60, b: 40 });
  await storeArtifact(rt, s.id, 'selfie', selfie);
  await submitCapture(rt, s.id);
  const ref = { projectId: rt.projectId, sessionId: s.id };
  const system = systemActor(rt.projectId, 'pipeline');
  const key = `${sessionBlobPrefix(rt.projectId, s.id)}evidence_selfie_face`;
  await rt.deps.blobs.put(key, crop);
  await recordEvidence(rt.deps, ref, { kind: 'evidence_selfie_face', blob_key: key, content_type: 'image/jpeg', bytes: crop.length, meta: null }, system);
  await execute(rt.deps, ref, { type: 'decided', findings: [{ code: 'low_quality', message: 'the face is small in the selfie', stage: 'faces' }], numbers: {} }, system);
  if (o.review !== false) {
    const r = await rt.req('POST', `/v1/sessions/${s.id}/review`, { result: 'approved', reviewer: 'alice', notes: 'Anna Eriksson, face checked by hand' });
    if (r.status !== 200) throw new Error(`review: ${r.status} ${await r.text()}`);
  }
  return { id: s.id, selfie, crop };
}
