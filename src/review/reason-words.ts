import { FINDING_SEVERITY, type FindingCode } from '../domain/findings.ts';
import { isReviewReason, REVIEW_REASONS } from '../domain/review-reasons.ts';

// Every decision reason as a sentence a bank reviewer understands (issue 15 item 3: "in words, not
// JSON"). One sentence per finding code, written for the person deciding: what was seen and what
// to look at. The stage's own message and details stay next to it as the evidence.

export const FINDING_WORDS: Record<FindingCode, string> = {
  media_unusable: 'The uploaded images or video could not be decoded, so nothing could be checked.',
  no_face: 'No face was found where one was expected.',
  multiple_faces: 'More than one face appears in the video: someone may be helping or coaching.',
  face_changed: 'The face changes during the video: a different person may have taken over.',
  face_mismatch: 'The faces do not match: the person may not be the document holder.',
  face_match_uncertain: 'The faces may match, but the score is in the band where a person must compare them.',
  low_quality: 'The images are too dark, blurry or small for a confident automatic check.',
  liveness_failed: 'The video does not show a live person doing the requested movements.',
  liveness_uncertain: 'The liveness check was inconclusive: watch the challenge moments.',
  challenge_failed: 'A requested movement (turn, nod, smile…) was not seen in its time window.',
  replay_suspected: 'The video looks replayed or filmed from a screen.',
  virtual_camera: 'The camera reports a virtual (software) camera, which can inject prepared video.',
  camera_injection: 'The video stream shows signs of injection instead of a real camera.',
  av_sync_failed: 'Sound and lip movements are out of step: the voice may be dubbed.',
  phrase_mismatch: 'The spoken phrase does not match what the person was asked to say.',
  transcriber_unavailable: 'No transcriber for this language: listen to the phrase yourself.',
  document_expired: 'The document has expired.',
  mrz_invalid: 'The document\'s machine-readable zone fails its check digits: it may be misread or altered.',
  document_unreadable: 'The document could not be read automatically.',
  document_data_mismatch: 'The document data differs from what the person declared.',
  repeat_face: 'This face was seen in another verification (possibly under another identity).',
  blocked_face: 'This face is on the project\'s block list.',
  blocked_account: 'This account is on the project\'s block list.',
  blocked_document: 'This document is on the project\'s block list.',
  blocked_ip: 'The connection came from a blocked address.',
  verification_incomplete: 'Some checks did not run, so the automatic decision is incomplete.',
  processing_failed: 'The automatic verification could not finish: decide from the evidence.',
  risk_tor: 'The connection came through Tor, which hides where the person is.',
  risk_recent_fraud_ip: 'The connection came from an address recently used for fraud.',
  risk_automation: 'The browser was driven by automation software, not a person.',
  risk_vpn: 'The connection came through a VPN.',
  risk_proxy: 'The connection came through a proxy.',
  risk_datacenter: 'The connection came from a data centre, not a home or mobile network.',
  risk_spoofed_ip: 'The forwarded address looks forged.',
  risk_headless: 'The browser runs without a screen (headless), as scripts do.',
  risk_emulator: 'The device looks like an emulator.',
  risk_virtual_camera: 'The camera\'s name is a known virtual camera.',
  risk_timezone_mismatch: 'The device\'s time zone does not fit the connection\'s country.',
  risk_language_mismatch: 'The browser\'s language does not fit the connection\'s country.',
  risk_impossible_travel: 'Two sessions of this account came from places too far apart for the time between them.',
  risk_ip_mismatch: 'The address differs from the account\'s previous session.',
  risk_user_agent_mismatch: 'The browser differs from the account\'s previous session.',
  risk_device_timezone_mismatch: 'The device\'s time zone differs from the account\'s previous session.',
};

const PAIR_WORDS: Record<string, string> = { video: 'video', selfie: 'selfie', document: 'document photo' };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The numbers a reviewer needs next to the sentence (which faces, what score against which bar). */
function numbersOf(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const d = details as Record<string, unknown>;
  const score = num(d.score);
  const bar = num(d.decline_below) ?? num(d.threshold);
  const a = typeof d.a === 'string' ? PAIR_WORDS[d.a] ?? d.a : null;
  const b = typeof d.b === 'string' ? PAIR_WORDS[d.b] ?? d.b : null;
  const parts: string[] = [];
  if (a && b) parts.push(`${a} ↔ ${b}`);
  if (score !== null) parts.push(bar !== null ? `score ${Math.round(score)}, needs ${Math.round(bar)}` : `score ${Math.round(score)}`);
  return parts.length ? ` (${parts.join(': ')})` : '';
}

export interface ReasonLike { code: string; message: string; stage?: string | undefined; details?: unknown; blocking?: boolean | undefined }

const isFinding = (code: string): code is FindingCode => Object.hasOwn(FINDING_SEVERITY, code);

/** A decision reason in words, with its severity and the stage's evidence. */
export function reasonInWords(r: ReasonLike) {
  const sentence = isFinding(r.code)
    ? FINDING_WORDS[r.code] + numbersOf(r.details)
    : isReviewReason(r.code) ? `Reviewer: ${REVIEW_REASONS[r.code].label}.` : r.message;
  const severity = isFinding(r.code) ? (r.blocking === false ? 'review' : FINDING_SEVERITY[r.code]) : null;
  return { code: r.code, sentence, severity, stage: r.stage ?? null, technical: r.message, evidence: r.details ?? null };
}
