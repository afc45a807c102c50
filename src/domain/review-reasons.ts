// The fixed list of reasons a person gives for a decision in the dashboard (issue 15 item 4): a
// code the integrator's systems can act on, a label the reviewer picks from, and the actions it
// fits. Codes are API (decision reasons, webhooks): add, never rename.

export const REVIEW_ACTIONS = ['approve', 'decline', 'request_resubmission'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

type ReasonDef = { label: string; actions: readonly ReviewAction[] };

export const REVIEW_REASONS = {
  evidence_verified: { label: 'Document, face and video checked and consistent', actions: ['approve'] },
  automated_false_positive: { label: 'The automatic finding is wrong on inspection', actions: ['approve'] },
  known_customer: { label: 'Identity confirmed through another trusted channel', actions: ['approve'] },
  face_mismatch: { label: 'The person is not the document holder', actions: ['decline'] },
  document_invalid: { label: 'The document is expired, altered or not accepted', actions: ['decline', 'request_resubmission'] },
  document_data_mismatch: { label: 'The document data does not match the declared data', actions: ['decline', 'request_resubmission'] },
  liveness_doubt: { label: 'The video does not show a live person (replay, mask, screen)', actions: ['decline'] },
  suspected_fraud: { label: 'Signs of fraud or coercion', actions: ['decline'] },
  unwilling: { label: 'The person did not state their consent or intent', actions: ['decline', 'request_resubmission'] },
  poor_quality: { label: 'Images or video too poor to decide', actions: ['request_resubmission'] },
  document_unreadable: { label: 'The document cannot be read', actions: ['request_resubmission'] },
  incomplete_capture: { label: 'A step is missing or was cut short', actions: ['request_resubmission'] },
  other: { label: 'Other (explained in the notes)', actions: ['approve', 'decline', 'request_resubmission'] },
} as const satisfies Record<string, ReasonDef>;

export type ReviewReasonCode = keyof typeof REVIEW_REASONS;
export const REVIEW_REASON_CODES = Object.keys(REVIEW_REASONS) as [ReviewReasonCode, ...ReviewReasonCode[]];

export const isReviewReason = (code: string): code is ReviewReasonCode => Object.hasOwn(REVIEW_REASONS, code);

/** The label of a reviewer's reason; a code given through the /v1 API that is not in the list keeps a generic message. */
export const reviewReasonLabel = (code: string) => (isReviewReason(code) ? REVIEW_REASONS[code].label : 'set by reviewer');

/** `other` needs notes to mean anything; every other code speaks for itself. */
export const REASON_NEEDS_NOTES: readonly ReviewReasonCode[] = ['other'];
