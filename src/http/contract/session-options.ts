import { CHALLENGE_TYPES } from '../../domain/liveness-challenges.ts';
import { SESSION_TTL, VIDEO_DURATION } from '../../domain/session.ts';

// What each option of POST /v1/sessions does, by field path: openapi.ts puts these on the request
// schema's properties (and fails on a path the schema does not have), the README repeats them.

export const SESSION_OPTION_DOCS: Record<string, string> = {
  profile: 'What the user is asked to capture, and how.',
  'profile.steps': 'The capture steps, in this order: `document` (a photo of the identity document; its MRZ is read and checked, and its portrait compared), `selfie`, `video`. 1–3 steps, no repeats.',
  'profile.video_mode': '`self_record` (default): the user records a video with the phrase and challenges; it is verified automatically. `live_agent`: after the other steps the session waits for an agent (status in_progress, state awaiting_agent, then in_call during the call) until the agent decides (dashboard, or POST /v1/sessions/{id}/review).',
  'profile.video_max_duration': `Longest self-recorded video in seconds (${VIDEO_DURATION.min}–${VIDEO_DURATION.max}, default ${VIDEO_DURATION.default}); longer uploads are refused with video_too_long.`,
  'profile.video_language': 'Language of the prompts and of the spoken phrase: en, es, fr, de, pt (default en). Non-English phrases follow the project setting non_english_phrase.',
  'profile.document_back': 'Also capture the back of the document (ID cards; passports have none). Default false.',
  'profile.phrase': 'What the user says in the video: `name_date` (their name and today\'s date; needs expected_data.first_name/last_name), `consent` (a consent sentence), `digits` (six random digits: a prepared recording cannot match), `none`. Default: name_date when the name is known, else digits.',
  'profile.challenges': `Active liveness challenges allowed for the video (${CHALLENGE_TYPES.join(', ')}). With challenge_order random, 2–4 are drawn from this set; [] = no challenges. Default: all types.`,
  'profile.challenge_order': '`random` (default): 2–4 drawn from challenges, always at least one that moves or changes the face. `fixed`: exactly challenges, in that order (scripted flows and benchmarks; predictable to an attacker, keep random in production). fixed needs a non-empty challenges list.',
  'profile.accessible': 'Replace challenges some users cannot do (smile) with accessible alternatives. Default false.',
  redirect_url: 'Where the capture page sends the user at the end, with session_id and status added to the query (http or https).',
  external_id: 'Your reference (an order or case id): returned everywhere, in webhooks, and a filter of GET /v1/sessions.',
  account_id: 'Your id of the person: the duplicates stage links sessions of different accounts that show the same face; lists can block or allow an account.',
  referring_session_id: 'An earlier session of the same person: the risk stage compares device and network signals with it.',
  expires_in: `Seconds until the capture link stops working (${SESSION_TTL.min}–${SESSION_TTL.max}, default ${SESSION_TTL.default}); an unfinished session then becomes expired.`,
  metadata: 'Your key/values, returned as given (at most 16 KiB and 16 levels deep).',
  expected_data: 'What the person claimed: checked against the document\'s MRZ (mismatches are findings); first_name/last_name also make the name_date phrase.',
  'expected_data.first_name': 'Given names (letters, spaces, hyphens, apostrophes and dots).',
  'expected_data.last_name': 'Surname.',
  'expected_data.birth_date': 'YYYY-MM-DD.',
  'expected_data.document_number': 'The document number as printed in the MRZ.',
  'expected_data.nationality': 'ISO 3166-1 alpha-3 code, as in the MRZ (e.g. DEU, FRA, UTO).',
};
