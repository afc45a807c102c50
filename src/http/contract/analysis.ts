import { z } from 'zod';
import { CHALLENGE_TYPES } from '../../domain/liveness-challenges.ts';
import { LANGUAGES } from '../../domain/languages.ts';
import { jsonObject, named, timestamp } from './registry.ts';

// Stateless analysis answers: faces, documents, liveness challenges.

const box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).describe('Pixels in the uploaded image');
const quality = z.object({
  faceSize: z.number().describe('Face box height / image height (0–1)'),
  sharpness: z.number().describe('0–1, 1 = sharp'),
  brightness: z.number().describe('Mean luma 0–1'),
  occlusion: z.number().nullable().describe('0–1 share judged occluded'),
  score: z.number().nullable().describe('Overall 0–100'),
});

export const FaceComparison = named('FaceComparison', z.object({
  score: z.number().describe('Calibrated similarity 0–100'),
  match: z.boolean(),
  threshold: z.number().describe('match when score ≥ threshold'),
  faces: z.object({ a: z.object({ box, quality }), b: z.object({ box, quality }) }),
}), { example: { score: 93.4, match: true, threshold: 75, faces: { a: { box: { x: 212, y: 140, width: 260, height: 310 }, quality: { faceSize: 0.32, sharpness: 0.71, brightness: 0.55, occlusion: 0.02, score: 82 } }, b: { box: { x: 98, y: 77, width: 180, height: 221 }, quality: { faceSize: 0.41, sharpness: 0.64, brightness: 0.5, occlusion: 0, score: 79 } } } } });

const n = z.number().nullable();
export const FaceDetection = named('FaceDetection', z.object({
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  count: z.number().int(),
  faces: z.array(z.object({
    box, confidence: n, pose: z.object({ yaw: n, pitch: n, roll: n }).describe('Degrees'),
    eyes: z.object({ left_open: n, right_open: n }), mouth_open: n, smile: n, quality,
    antispoof: n.describe('Passive anti-spoofing 0–1 (1 = real)'), liveness: n,
  })),
  model: z.object({ detector: z.string(), embedder: z.string(), antispoof: z.string() }),
}), { example: { image: { width: 640, height: 480 }, count: 1, faces: [{ box: { x: 212, y: 140, width: 180, height: 220 }, confidence: 0.98, pose: { yaw: -3.2, pitch: 4.1, roll: 0.8 }, eyes: { left_open: 0.93, right_open: 0.95 }, mouth_open: 0.04, smile: 0.12, quality: { faceSize: 0.46, sharpness: 0.7, brightness: 0.52, occlusion: 0.01, score: 84.5 }, antispoof: 0.91, liveness: 0.88 }], model: { detector: 'blazeface', embedder: 'face-api', antispoof: 'human-antispoof' } } });

export const DocumentReading = named('DocumentReading', z.object({
  format: z.enum(['TD1', 'TD2', 'TD3', 'MRV-A', 'MRV-B', 'FRENCH_NATIONAL_ID']),
  fields: z.object({
    document_type: z.string(), issuing_country: z.string(), document_number: z.string(), surname: z.string(), given_names: z.string(),
    nationality: z.string().nullable(), birth_date: z.string().nullable().describe('ISO date; null when the MRZ holds none'),
    sex: z.enum(['M', 'F', 'X']), expiry_date: z.string().nullable(), personal_number: z.string().optional(),
  }),
  confidence: z.record(z.string(), z.number()).describe('Per field, 0–1'),
  mrz: z.object({
    lines: z.array(z.string()).describe('The MRZ as read (after repairs)'),
    valid: z.boolean().describe('Every check digit holds and every field has a valid shape'),
    checks: z.array(z.object({ name: z.string(), valid: z.boolean() })),
    errors: z.array(z.string()),
    warnings: z.array(z.string()),
  }),
  expired: z.boolean(),
  timings_ms: z.object({ decode: z.number(), detect: z.number(), recognize: z.number(), total: z.number() }),
}), { example: { format: 'TD3', fields: { document_type: 'P', issuing_country: 'UTO', document_number: 'L898902C3', surname: 'ERIKSSON', given_names: 'ANNA MARIA', nationality: 'UTO', birth_date: '1974-08-12', sex: 'F', expiry_date: '2032-04-15', personal_number: 'ZE184226B' }, confidence: { document_number: 0.98, surname: 0.99 }, mrz: { lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F3204159ZE184226B<<<<<10'], valid: true, checks: [{ name: 'document_number', valid: true }], errors: [], warnings: [] }, expired: false, timings_ms: { decode: 31, detect: 212, recognize: 140, total: 395 } } });

const challengeList = z.array(z.object({ index: z.number().int(), type: z.enum(CHALLENGE_TYPES), instruction: z.string() }));

export const LivenessStarted = named('LivenessStarted', z.object({
  challengeToken: z.string().describe('Signed, single-use; send it back with the frames'),
  session_id: z.string(),
  challenges: challengeList,
  timeoutSeconds: z.number().int(),
  expiresAt: timestamp,
  language: z.enum(LANGUAGES),
}), { example: { challengeToken: 'lvt_eyJ…', session_id: 'ses_0d7c…', challenges: [{ index: 0, type: 'turn_left', instruction: 'Turn your head to the left' }, { index: 1, type: 'blink', instruction: 'Blink' }], timeoutSeconds: 60, expiresAt: '2026-01-05T10:16:30.000Z', language: 'en' } });

export const LivenessResult = named('LivenessResult', z.object({
  success: z.boolean(),
  score: z.number().describe('0–100'),
  passed: z.boolean(),
  details: z.object({ livenessScore: z.number(), faceMatchScore: z.number().nullable(), antiSpoofingScore: z.number().nullable().describe('null: the passive anti-spoof models are advisory and not run on this path') }),
  reasons: z.array(z.string()).describe('Why it did not pass (challenge_not_performed, replay_suspected, virtual_camera…)'),
  evidence: jsonObject.describe('Per-challenge measurements, frame checks and timings'),
}), { example: { success: true, score: 87, passed: true, details: { livenessScore: 87, faceMatchScore: 90.5, antiSpoofingScore: null }, reasons: [], evidence: { timingsMs: { total: 412 } } } });
