// One table from machine-readable error code to HTTP status. Every error a client can see is here;
// the HTTP layer turns an AppError into `{ error: { code, message, details? } }` with this status.

export const errorStatus = {
  validation_failed: 422,
  invalid_json: 400,
  unauthorized: 401,
  api_key_invalid: 401,
  capture_token_invalid: 401,
  capture_token_expired: 401,
  login_failed: 401,
  totp_required: 401,
  totp_invalid: 401,
  signin_required: 401,
  forbidden: 403,
  csrf_failed: 403,
  password_change_required: 403,
  totp_enrolment_required: 403,
  media_url_invalid: 403,
  media_url_expired: 403,
  not_found: 404,
  session_not_found: 404,
  webhook_not_found: 404,
  user_not_found: 404,
  verification_not_found: 404,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  session_expired: 409,
  session_already_completed: 409,
  session_canceled: 409,
  session_not_cancelable: 409,
  session_not_decided: 409,
  step_not_in_profile: 409,
  steps_incomplete: 409,
  upload_offset_mismatch: 409,
  decision_final: 409,
  login_taken: 409,
  totp_not_pending: 409,
  session_not_reviewable: 409,
  review_claimed_by_other: 409,
  review_not_claimed: 409,
  transition_not_allowed: 409,
  session_not_expired: 409,
  actor_forbidden: 403,
  session_erased: 404,
  token_used: 409,
  attempts_exhausted: 409,
  token_expired: 410,
  token_invalid: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  media_unreadable: 422,
  image_too_large: 422,
  video_too_long: 422,
  not_an_image: 422,
  no_face: 422,
  multiple_faces: 422,
  face_too_small: 422,
  selfie_eyes_closed: 422,
  image_blurry: 422,
  image_glare: 422,
  no_document: 422,
  document_unreadable: 422,
  multiple_documents: 422,
  webhook_url_refused: 422,
  rate_limited: 429,
  login_locked: 429,
  internal_error: 500,
  media_integrity_failed: 500,
  engine_unavailable: 503,
  capture_page_not_built: 503,
  server_stopping: 503,
  // Live agent mode (src/agents).
  call_not_assigned: 409,
  agent_busy: 409,
  queue_empty: 404,
  offer_not_found: 404,
  not_in_call: 409,
  callback_not_found: 404,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return errorStatus[this.code];
  }
}
