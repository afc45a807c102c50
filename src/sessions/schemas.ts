import { z } from 'zod';
import { valueDepthExceeds } from '../domain/json-guard.ts';
import { personNameSchema } from '../speech/phrase.ts';
import { profileSchema, RESULTS, SESSION_STATUSES, SESSION_TTL } from '../domain/session.ts';

/** Tenants' metadata is flat key/values in practice; 16 levels is generous and keeps every walk shallow. */
const METADATA_MAX_DEPTH = 16;

export const createSessionBody = z.strictObject({
  profile: profileSchema,
  redirect_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  external_id: z.string().min(1).max(255).optional(),
  account_id: z.string().min(1).max(255).optional(),
  referring_session_id: z.string().min(1).max(255).optional(),
  expires_in: z.number().int().min(SESSION_TTL.min).max(SESSION_TTL.max).default(SESSION_TTL.default),
  // Depth first, without recursion: the size check stringifies, which recursed into 30 000 levels (a 500).
  metadata: z.record(z.string(), z.unknown()).optional()
    .refine((m) => !m || !valueDepthExceeds(m, METADATA_MAX_DEPTH), `metadata must nest at most ${METADATA_MAX_DEPTH} levels`)
    .refine((m) => !m || valueDepthExceeds(m, METADATA_MAX_DEPTH) || JSON.stringify(m).length <= 16_384, 'metadata must be at most 16 KiB'),
  /** Data the user claimed (checked against the document later). */
  expected_data: z.strictObject({
    first_name: z.string().max(200).optional(),
    last_name: z.string().max(200).optional(),
    birth_date: z.iso.date().optional(),
    document_number: z.string().max(64).optional(),
    nationality: z.string().length(3).optional(),
  }).optional(),
}).superRefine((b, ctx) => {
  // The name_date phrase quotes the person's name: it must be known and speakable.
  const name = [b.expected_data?.first_name, b.expected_data?.last_name].filter(Boolean).join(' ');
  if (b.profile.phrase === 'name_date' && !name) {
    ctx.addIssue({ code: 'custom', path: ['expected_data'], message: 'profile.phrase name_date needs expected_data.first_name / last_name' });
  }
  if (name && !personNameSchema.safeParse(name).success) {
    ctx.addIssue({ code: 'custom', path: ['expected_data', 'first_name'], message: 'names may contain letters, spaces, hyphens, apostrophes and dots only' });
  }
  // A fixed order replays the caller's list as is: it must be given and not empty.
  if (b.profile.challenge_order === 'fixed' && !b.profile.challenges?.length) {
    ctx.addIssue({ code: 'custom', path: ['profile', 'challenges'], message: 'profile.challenge_order fixed needs a non-empty profile.challenges list' });
  }
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const listSessionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  result: z.enum(RESULTS).optional(),
  external_id: z.string().max(255).optional(),
  created_after: z.iso.datetime().optional(),
  created_before: z.iso.datetime().optional(),
});
export type ListSessionsQuery = z.infer<typeof listSessionsQuery>;

export const clientInfoBody = z.strictObject({
  user_agent: z.string().max(1024).optional(),
  timezone: z.string().max(100).optional(),
  language: z.string().max(64).optional(),
  languages: z.array(z.string().max(64)).max(20).optional(),
  screen: z.strictObject({ width: z.number().int().min(0).max(20000), height: z.number().int().min(0).max(20000), pixel_ratio: z.number().min(0).max(10).optional() }).optional(),
  camera_label: z.string().max(256).optional(),
  microphone_label: z.string().max(256).optional(),
  webrtc: z.boolean().optional(),
  platform: z.string().max(128).optional(),
  hardware_concurrency: z.number().int().min(0).max(1024).optional(),
  device_memory: z.number().min(0).max(1024).optional(),
  touch: z.boolean().optional(),
  /** navigator.webdriver: true when automation (WebDriver, Playwright, Puppeteer) drives the browser. */
  webdriver: z.boolean().optional(),
  /** WebGL unmasked renderer (software renderers point at emulators and VMs). */
  gpu: z.string().max(256).optional(),
  /** Standard deviation (ms) of the camera's frame intervals over camera_frame_intervals intervals. */
  camera_frame_interval_sd_ms: z.number().min(0).max(10000).optional(),
  camera_frame_intervals: z.number().int().min(0).max(100000).optional(),
});
export type ClientInfo = z.infer<typeof clientInfoBody>;

export const ARTIFACT_KINDS = ['document_front', 'document_back', 'selfie', 'video'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
