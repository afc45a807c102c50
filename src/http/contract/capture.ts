import { z } from 'zod';
import { DECODABLE_IMAGE_FORMATS } from '../../domain/sniff.ts';
import { SESSION_STATUSES, STEPS } from '../../domain/session.ts';
import { LANGUAGES } from '../../domain/languages.ts';
import { named, timestamp } from './registry.ts';

// Capture API answers (the hosted page's calls, authenticated with the session's cap_ token).

export const CaptureView = named('CaptureView', z.object({
  session_id: z.string(),
  status: z.enum(SESSION_STATUSES),
  steps: z.array(z.enum(STEPS)),
  video_mode: z.enum(['self_record', 'live_agent']),
  video_max_duration: z.number().int(),
  language: z.enum(LANGUAGES),
  expires_at: timestamp,
  completed_steps: z.array(z.string()).describe('Artifact kinds already uploaded'),
  document_back_required: z.boolean(),
  redirect_url: z.string().nullable().describe('Where to send the user at the end (session_id and status added)'),
  waiting_room: z.boolean(),
  phrase: z.object({ kind: z.string(), text: z.string(), check: z.enum(['transcript', 'digits_spotting', 'review']) }).nullable().describe('What the user says in the video'),
  challenges: z.array(z.object({ type: z.string(), at_seconds: z.number() })),
  challenge_timeout_seconds: z.number(),
}), { example: { session_id: 'ses_0d7c…', status: 'pending', steps: ['selfie', 'video'], video_mode: 'self_record', video_max_duration: 60, language: 'en', expires_at: '2026-01-05T11:15:30.000Z', completed_steps: [], document_back_required: false, redirect_url: 'https://shop.example/kyc/done?session_id=ses_0d7c…&status=pending', waiting_room: false, phrase: { kind: 'digits', text: '4 7 1 9 0 2', check: 'transcript' }, challenges: [{ type: 'turn_left', at_seconds: 4 }, { type: 'blink', at_seconds: 8 }], challenge_timeout_seconds: 10 } });

export const ImageStored = named('ImageStored', z.object({
  artifact: z.object({
    kind: z.enum(['document_front', 'document_back', 'selfie']),
    content_type: z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']).describe('Of the stored image, sniffed from the bytes, not the header; BMP, netpbm and HEIC uploads are stored as lossless PNG'),
    source_format: z.enum(DECODABLE_IMAGE_FORMATS).describe('Format of the uploaded bytes (magic bytes)'),
    bytes: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    orientation: z.number().int().nullable().describe('EXIF orientation'),
  }),
}), { example: { artifact: { kind: 'selfie', content_type: 'image/jpeg', bytes: 182044, width: 1280, height: 960, orientation: null, source_format: 'jpeg' } } });

const videoArtifact = z.object({
  kind: z.literal('video'),
  content_type: z.string().describe('video/webm or video/mp4 (sniffed)'),
  bytes: z.number().int(),
  duration_seconds: z.number().describe('Decoded length, not the container header\'s claim'),
  width: z.number().int(),
  height: z.number().int(),
  has_audio: z.boolean(),
});

export const VideoStored = named('VideoStored', z.object({ artifact: videoArtifact }),
  { example: { artifact: { kind: 'video', content_type: 'video/webm', bytes: 2483120, duration_seconds: 14.52, width: 640, height: 480, has_audio: true } } });

export const UploadStarted = named('UploadStarted', z.object({ upload_id: z.string(), offset: z.literal(0), size: z.number().int() }),
  { example: { upload_id: 'upl_8f2c0b1e5a7d9c3e4f6a1b2c', offset: 0, size: 2483120 } });

export const UploadOffset = named('UploadOffset', z.object({ offset: z.number().int(), size: z.number().int() }),
  { description: 'Also in the Upload-Offset and Upload-Length headers', example: { offset: 1048576, size: 2483120 } });

export const ChunkAppended = named('ChunkAppended', z.union([
  z.object({ offset: z.number().int(), size: z.number().int(), complete: z.literal(false) }),
  z.object({ offset: z.number().int(), size: z.number().int(), complete: z.literal(true), artifact: videoArtifact }),
]), { description: 'complete: true with the stored artifact once the last byte arrived and the video validated', example: { offset: 2097152, size: 2483120, complete: false } });

export const ClientInfoSaved = named('ClientInfoSaved', z.object({ ok: z.literal(true) }), { example: { ok: true } });

export const PhraseAttempt = named('PhraseAttempt', z.object({
  status: z.enum(['SUCCESS', 'WRONG_ANSWER', 'NO_SPEECH', 'UNAVAILABLE']),
  userInput: z.string().describe('What was heard'),
  attemptNumber: z.number().int(),
  state: z.string().describe('retry, SUCCESS or LIMIT_EXCEEDED'),
  remaining: z.number().int(),
  reason: z.string().nullable().optional(),
  confidence: z.number().nullable().optional(),
}), { example: { status: 'WRONG_ANSWER', userInput: 'four seven one nine', attemptNumber: 1, state: 'retry', remaining: 2, reason: 'digits missing', confidence: 0.62 } });

export const CaptureSubmitted = named('CaptureSubmitted', z.object({
  session_id: z.string(),
  status: z.enum(['processing', 'in_progress']).describe('processing: verification started; in_progress: live-agent session waiting for an agent'),
  waiting_room: z.boolean(),
  redirect_url: z.string().nullable(),
}), { example: { session_id: 'ses_0d7c…', status: 'processing', waiting_room: false, redirect_url: 'https://shop.example/kyc/done?session_id=ses_0d7c…&status=processing' } });
