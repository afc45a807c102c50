import { readBlob } from '../../storage/blob-port.ts';
import type { Deps } from '../../deps.ts';
import type { SessionRecord } from '../../sessions/rows.ts';
import { readStoredResults } from '../../verification/results/read.ts';

/** Largest video returned inline as base64 (willingVerifyVideo); bigger ones are left out. */
const MAX_INLINE_VIDEO_BYTES = 20 * 1024 * 1024;
/** Face quality (0–100) needed for qualityPassed: the same floor the pipeline uses for best frames. */
const QUALITY_PASS = 50;

type Json = Record<string, unknown>;

const blobBase64 = async (deps: Deps, key: string) => (await readBlob(deps.blobs, key)).toString('base64');

/**
 * videoVerifyResult values. The seed marks the field required in every answer but its value list is
 * cut off; we use ZOLOZ's own result vocabulary: "Success", "Failure", and "Pending" while there is
 * no final answer yet (still collecting/processing, or waiting for a human review).
 */
const VIDEO_VERIFY_RESULTS = ['Success', 'Failure', 'Pending'] as const;
type VideoVerifyResult = (typeof VIDEO_VERIFY_RESULTS)[number];

/** Every checkresult answer, errors included, carries the seed's two required fields. */
/** ZOLOZ's response envelope: every answer carries `result` with a status, a code and a message. */
export const zResult = (status: 'S' | 'F', code: string, message: string) => ({ result: { resultStatus: status, resultCode: code, resultMessage: message } });

export const zAnswer = (status: 'S' | 'F', code: string, message: string, videoVerifyResult: VideoVerifyResult) => ({ ...zResult(status, code, message), videoVerifyResult });

/**
 * Maps a session to VideoVerify's checkresult. Idempotent: it only reads. Result codes (each with
 * its videoVerifyResult): PROCESSING/Pending while capture or the pipeline runs; UNUSABLE/Failure
 * when the media could not be used (or the session expired or was canceled);
 * LIMIT_EXCEEDED/Failure when the phrase attempts ran out; SUCCESS with "Success" (approved),
 * "Failure" (declined) or "Pending" (needs_review: a human decides; poll again).
 * extInfo is sent once the capture is finished (never with PROCESSING: there is no quality yet).
 */
export async function zolozCheckResult(deps: Deps, s: SessionRecord, returnImage: boolean): Promise<Json> {
  if (s.status === 'pending' || s.status === 'in_progress' || s.status === 'processing') return zAnswer('S', 'PROCESSING', 'Still being collected or processed', 'Pending');
  if (s.status === 'expired' || s.status === 'canceled') return zAnswer('F', 'UNUSABLE', `the transaction was ${s.status} before it was completed`, 'Failure');
  const stages = await deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', s.id).where('status', '=', 'completed').execute();
  // A stored result that fails its schema is left out (as if its stage had not run) and logged.
  const { results: r, invalid } = readStoredResults(stages);
  for (const e of invalid) deps.log.warn('stored stage result refused', { session: s.id, stage: e.stage, err: e.message });
  const speech = r.speech;
  const attempts = s.phrase_attempts.length ? s.phrase_attempts : (speech?.attempts ?? []);
  const quality = r.faces && !r.faces.skipped ? (r.faces.best_frames[0]?.quality.score ?? null) : null;
  const extInfo: Json = {
    quality: quality === null ? undefined : String(quality),
    qualityPassed: quality !== null && quality >= QUALITY_PASS,
    willingRetryRecords: JSON.stringify({ retryRecords: attempts }),
  };
  if (returnImage) {
    const arts = await deps.db.selectFrom('artifacts').select(['kind', 'blob_key', 'bytes']).where('session_id', '=', s.id).where('kind', 'in', ['evidence_video_face_1', 'video']).execute();
    const face = arts.find((a) => a.kind === 'evidence_video_face_1');
    const video = arts.find((a) => a.kind === 'video');
    if (face) extInfo.imageContent = await blobBase64(deps, face.blob_key);
    if (video && video.bytes <= MAX_INLINE_VIDEO_BYTES) extInfo.willingVerifyVideo = await blobBase64(deps, video.blob_key);
  }
  if (r.probe?.usable === false) return { ...zAnswer('F', 'UNUSABLE', 'the recorded video could not be used', 'Failure'), extInfo };
  if (speech?.attempts_state === 'LIMIT_EXCEEDED') return { ...zAnswer('F', 'LIMIT_EXCEEDED', 'The maximum number of attempts has been exceeded', 'Failure'), extInfo };
  const videoVerifyResult: VideoVerifyResult = s.result === 'approved' ? 'Success' : s.result === 'declined' ? 'Failure' : 'Pending';
  return { ...zAnswer('S', 'SUCCESS', 'Success', videoVerifyResult), extInfo };
}
