import { z } from 'zod';
import { RESULTS } from '../../domain/session.ts';
import { EVENT_TYPES } from '../../webhooks/events.ts';
import { named, nullableTimestamp, timestamp } from './registry.ts';
import { ActorRef } from './sessions.ts';

// Webhook endpoint answers and the event payloads vkyc POSTs (documented under `webhooks`).

const events = z.array(z.enum([...EVENT_TYPES, '*'])).describe('"*" = every event type');

export const WebhookCreated = named('WebhookCreated', z.object({
  id: z.string(), object: z.literal('webhook'), url: z.string(), events, description: z.string().nullable(),
  secret: z.string().describe('whsec_…: shown here once; verify every delivery with it (Standard Webhooks)'),
  created_at: timestamp,
}), { example: { id: 'wh_3b0c…', object: 'webhook', url: 'https://shop.example/webhooks/vkyc', events: ['*'], description: 'production', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', created_at: '2026-01-05T10:00:00.000Z' } });

export const WebhookList = named('WebhookList', z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('webhook'), url: z.string(), events, description: z.string().nullable(), enabled: z.boolean(), created_at: timestamp })),
}), { description: 'Secrets are never listed', example: { object: 'list', data: [{ id: 'wh_3b0c…', object: 'webhook', url: 'https://shop.example/webhooks/vkyc', events: ['*'], description: null, enabled: true, created_at: '2026-01-05T10:00:00.000Z' }] } });

export const WebhookDeleted = named('WebhookDeleted', z.object({ id: z.string(), object: z.literal('webhook'), deleted: z.literal(true) }),
  { example: { id: 'wh_3b0c…', object: 'webhook', deleted: true } });

export const DeliveryList = named('DeliveryList', z.object({
  object: z.literal('list'),
  data: z.array(z.object({
    id: z.string(), object: z.literal('delivery'), event_id: z.string(), type: z.enum(EVENT_TYPES),
    status: z.enum(['pending', 'retrying', 'delivered', 'failed']).describe('retrying: next_attempt_at says when; failed: every retry used (about 28 h), resend to try again'),
    attempts: z.number().int(), next_attempt_at: nullableTimestamp, created_at: timestamp, updated_at: timestamp,
    attempt_log: z.array(z.object({
      id: z.number().int(), attempted_at: timestamp, status_code: z.number().int().nullable(),
      error: z.string().nullable().describe('A code (http_status, timeout, refused_address…), never the receiver\'s body'), duration_ms: z.number(),
    })),
  })),
}), { description: 'The newest 100 deliveries of the endpoint', example: { object: 'list', data: [{ id: 'dlv_1e…', object: 'delivery', event_id: 'wh_evt_4f…', type: 'video.completed', status: 'delivered', attempts: 1, next_attempt_at: null, created_at: '2026-01-05T10:19:02.000Z', updated_at: '2026-01-05T10:19:02.000Z', attempt_log: [{ id: 1, attempted_at: '2026-01-05T10:19:02.000Z', status_code: 204, error: null, duration_ms: 41 }] }] } });

export const DeliveryQueued = named('DeliveryQueued', z.object({ id: z.string(), object: z.literal('delivery'), status: z.literal('pending') }),
  { example: { id: 'dlv_1e…', object: 'delivery', status: 'pending' } });

// Event payloads: the JSON body of each POST to a registered endpoint.

const envelope = <T extends z.ZodType>(type: (typeof EVENT_TYPES)[number], data: T) => z.object({
  event: z.literal(type),
  data,
  timestamp: timestamp.describe('When the event happened'),
  webhook_id: z.string().describe('The event id (also the webhook-id header): deduplicate on it, retries repeat it'),
});

const numbers = {
  duration_seconds: z.number().nullable(),
  face_match_score: z.number().nullable().describe('0–100, the lowest face pair including the video face'),
  liveness_score: z.number().nullable(),
  transcript: z.string().nullable(),
};

export const VideoCompletedEvent = named('VideoCompletedEvent', envelope('video.completed', z.object({
  session_id: z.string(),
  video_mode: z.enum(['self_record', 'live_agent']),
  status: z.literal('completed'),
  result: z.enum(RESULTS),
  reasons: z.array(z.string()).describe('Finding codes (GET /v1/sessions/{id} has their messages and evidence)'),
  external_id: z.string().nullable(),
  ...numbers,
})), {
  description: 'The pipeline decided a session (also when processing failed: needs_review with processing_failed)',
  example: { event: 'video.completed', data: { session_id: 'ses_0d7c…', video_mode: 'self_record', status: 'completed', result: 'needs_review', reasons: ['phrase_mismatch'], external_id: 'order-1042', duration_seconds: 14, face_match_score: 91.2, liveness_score: 88, transcript: 'my name is ada lovelace' }, timestamp: '2026-01-05T10:19:02.000Z', webhook_id: 'wh_evt_4f1c2b9e10aa5b1f4c1e9a55' },
});

export const VideoReviewedEvent = named('VideoReviewedEvent', envelope('video.reviewed', z.object({
  session_id: z.string(),
  video_mode: z.enum(['self_record', 'live_agent']),
  status: z.literal('completed'),
  result: z.enum(['approved', 'declined']),
  previous_result: z.enum(RESULTS).nullable(),
  reviewed_at: timestamp,
  agent_id: z.string().describe('The reviewer\'s name (for an API-key review: the name the integrator passed)'),
  agent_notes: z.string().nullable(),
  reviewed_by: ActorRef.describe('Who decided, from authentication'),
  external_id: z.string().nullable(),
  confirmed_by: ActorRef.optional().describe('Four-eyes: the second person who confirmed the decision'),
})), {
  description: 'A human decided (POST /v1/sessions/{id}/review)',
  example: { event: 'video.reviewed', data: { session_id: 'ses_0d7c…', video_mode: 'self_record', status: 'completed', result: 'approved', previous_result: 'needs_review', reviewed_at: '2026-01-05T11:02:00.000Z', agent_id: 'alice', agent_notes: 'phrase fine on replay', reviewed_by: { kind: 'api_key', id: 'key_3f…', name: 'alice', name_source: 'integrator' }, external_id: 'order-1042' }, timestamp: '2026-01-05T11:02:00.000Z', webhook_id: 'wh_evt_9a…' },
});

export const VideoResubmissionRequestedEvent = named('VideoResubmissionRequestedEvent', envelope('video.resubmission_requested', z.object({
  session_id: z.string(),
  video_mode: z.enum(['self_record', 'live_agent']),
  status: z.literal('completed'),
  result: z.literal('declined'),
  previous_result: z.enum(RESULTS).nullable(),
  reasons: z.array(z.string()).describe('The reviewer\'s reason codes (e.g. poor_quality, document_unreadable)'),
  reviewed_at: timestamp,
  agent_id: z.string(),
  agent_notes: z.string().nullable(),
  reviewed_by: ActorRef.describe('Who decided, from authentication'),
  external_id: z.string().nullable(),
})), {
  description: 'A reviewer declined and asks for a new capture: start a new session (referring_session_id: this one)',
  example: { event: 'video.resubmission_requested', data: { session_id: 'ses_0d7c…', video_mode: 'self_record', status: 'completed', result: 'declined', previous_result: 'needs_review', reasons: ['poor_quality'], reviewed_at: '2026-01-05T11:02:00.000Z', agent_id: 'usr_…', agent_notes: 'video too dark', reviewed_by: { kind: 'user', id: 'usr_…', name: 'Ann', name_source: 'account' }, external_id: 'order-1042' }, timestamp: '2026-01-05T11:02:00.000Z', webhook_id: 'wh_evt_9b…' },
});

export const EVENT_SCHEMAS = { 'video.completed': VideoCompletedEvent, 'video.reviewed': VideoReviewedEvent, 'video.resubmission_requested': VideoResubmissionRequestedEvent } as const satisfies Record<(typeof EVENT_TYPES)[number], z.ZodType>;
