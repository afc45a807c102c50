import { z } from 'zod';
import { browserStatsSchema } from './quality.ts';

// The signalling protocol (JSON text frames; docs/live-calls.md). The server is the offerer: after
// `join` it sends `offer`, the page answers with `answer`; candidates trickle both ways.

const candidate = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullish(),
  usernameFragment: z.string().max(256).nullish(),
});

/** Browser geolocation, sent by the user's page only after the user consented (or their refusal). */
export const locationMessage = z.union([
  z.strictObject({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), accuracy_m: z.number().min(0).max(100_000) }),
  z.strictObject({ type: z.literal('location'), denied: z.literal(true) }),
]);

/** A callback request: the fallback when no agent can take the user now. */
export const callbackMessage = z.strictObject({
  type: z.literal('callback'),
  phone: z.string().regex(/^\+?[0-9 ()-]{6,20}$/, 'a phone number'),
  preferred_time: z.iso.datetime({ offset: true }).optional(),
  note: z.string().max(500).optional(),
});

/** What the user's page says while queued (handled by the desk, not the call). */
export type QueueMessage = z.infer<typeof locationMessage> | z.infer<typeof callbackMessage> | { type: 'leave_queue' } | { type: 'fallback'; choice: 'self_record' };

// A plain union: the two `join` shapes share their discriminator value.
export const clientMessageSchema = z.union([
  /** The user's page sends its capture token here (never in the URL: URLs end up in logs). */
  z.strictObject({ type: z.literal('join'), role: z.literal('user'), token: z.string().min(8).max(2048) }),
  /** The agent is already known from the cookie; they name the session they take. */
  z.strictObject({ type: z.literal('join'), role: z.literal('agent'), session_id: z.string().regex(/^ses_[A-Za-z0-9_-]{1,64}$/) }),
  z.strictObject({ type: z.literal('answer'), sdp: z.string().min(1).max(64 * 1024) }),
  z.strictObject({ type: z.literal('candidate'), candidate: candidate.nullable() }),
  z.strictObject({ type: z.literal('stats'), stats: browserStatsSchema }),
  /** Hang up: ends the call for both sides. */
  z.strictObject({ type: z.literal('leave') }),
  // The user's page in the queue (docs/live-calls-api.md §1).
  ...locationMessage.options,
  callbackMessage,
  z.strictObject({ type: z.literal('leave_queue') }),
  /** The user takes the fallback the server offered (`unavailable`): record a video instead. */
  z.strictObject({ type: z.literal('fallback'), choice: z.literal('self_record') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'joined'; session_id: string; role: 'user' | 'agent'; rejoined: boolean; ice_servers: Array<{ urls: string[]; username?: string; credential?: string }> }
  | { type: 'offer'; sdp: string }
  | { type: 'candidate'; candidate: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | null }
  | { type: 'peer'; role: 'user' | 'agent'; state: 'connected' | 'reconnecting' | 'absent' }
  | { type: 'quality'; quality: unknown }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string };

/** 64 KiB: an SDP offer of two m-lines is ~3 KiB; anything near this is not a browser. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
