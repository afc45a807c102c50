// Per-project settings: one JSON document in `projects.settings`, validated on every read and
// write. Absent keys take their default, so a project created before a setting existed (settings
// null) behaves as the default says. Add a setting here with its default and a comment saying
// what it changes; the API (GET/PATCH /v1/project/settings) and the CLI pick it up.
import { z } from 'zod';
import type { Db } from '../storage/db.ts';
import { riskPolicySchema } from '../risk/policy.ts';

/**
 * What a session in a language without a transcriber (es/fr/de/pt unless whisper.cpp weights are
 * configured) is asked to say, and how it is checked:
 * - `digits_spotting`: six random digits, spotted with the English model and espeak-ng
 *   pronunciations (speech/spot-digits.ts). Spotted → no finding, approved on this point; not
 *   spotted → `phrase_mismatch` (review). The transcript stays null.
 * - `review`: the phrase the profile asks for; `transcriber_unavailable` sends it to a human.
 * - `none`: no phrase in those languages (no willingness check; nothing to review).
 * English, and any language with a transcriber, is unaffected.
 */
const NON_ENGLISH_PHRASE_POLICIES = ['digits_spotting', 'review', 'none'] as const;
export type NonEnglishPhrasePolicy = (typeof NON_ENGLISH_PHRASE_POLICIES)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
/** Opening hours per weekday in a time zone: `{timezone:'Europe/Berlin', days:{mon:[['09:00','17:00']]}}`; a missing day is closed. */
const workingHoursSchema = z.strictObject({
  timezone: z.string().min(1).max(64).refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'unknown time zone'),
  days: z.partialRecord(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.tuple([hhmm, hhmm])).max(4)),
});
export type WorkingHours = z.infer<typeof workingHoursSchema>;

/** Generic identity questions; projects replace them with their own script. */
const DEFAULT_AGENT_QUESTIONS = [
  { id: 'dob', text: 'Please tell me your date of birth.' },
  { id: 'address', text: 'Please confirm your current address.' },
  { id: 'purpose', text: 'What is the purpose of the account you are opening?' },
  { id: 'own_will', text: 'Are you taking part in this call of your own free will?' },
];

/** Defaults (see docs/speech.md for the measurements behind `non_english_phrase`). */
const DEFAULT_NON_ENGLISH_PHRASE: NonEnglishPhrasePolicy = 'digits_spotting';

export const DOCUMENT_UPLOAD_FALLBACKS = ['off', 'on_camera_failure', 'always'] as const;
/** A CSP header stays short and a list this long is already a smell (one per storefront). */
const MAX_ALLOWED_ORIGINS = 20;
/** Host names as URL parsing leaves them (lower case, punycode), IPv4, or bracketed IPv6: no `*`. */
const HOST = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;
const DEV_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An embedding origin exactly as browsers compare it (scheme://host[:port], no path). Plain http
 * would let anyone on the network inject a frame around the user's camera: only for local hosts.
 * Wildcards are refused: CSP would accept them, postMessage's targetOrigin would not.
 */
function checkOrigin(raw: string, ctx: z.RefinementCtx): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: `${raw} is not an origin (https://shop.example)` });
    return;
  }
  const local = u.protocol === 'http:' && DEV_HOSTS.has(u.hostname);
  if (!HOST.test(u.hostname)) ctx.addIssue({ code: 'custom', message: `${raw}: the host must be a plain name or address (no wildcards)` });
  else if (u.protocol !== 'https:' && !local) ctx.addIssue({ code: 'custom', message: `${raw}: only https origins (http only for localhost)` });
  // Stored exactly as the browser spells it, so the CSP and postMessage comparisons are plain equality.
  else if (raw !== u.origin) ctx.addIssue({ code: 'custom', message: `${raw}: write the origin as ${u.origin} (no path, query, credentials or trailing slash)` });
}

/** A logo small enough to inline in the capture page: 200 KB of image (base64 adds a third). */
export const LOGO_MAX_BYTES = 200 * 1024;
const LOGO_DATA_URL = /^data:image\/(png|jpeg|webp|svg\+xml);base64,([A-Za-z0-9+/]+={0,2})$/;

const brandingSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).nullable(),
  logo_data_url: z.string().max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 40).regex(LOGO_DATA_URL, 'a data:image/png|jpeg|webp|svg+xml;base64 URL')
    .refine((u) => Buffer.from(u.slice(u.indexOf(',') + 1), 'base64').length <= LOGO_MAX_BYTES, `the logo must be at most ${LOGO_MAX_BYTES / 1024} KB`).nullable(),
  /** #rrggbb: one accent colour; the page keeps its own contrast rules. */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').nullable(),
});

const fields = {
  non_english_phrase: z.enum(NON_ENGLISH_PHRASE_POLICIES),
  /** Which risk flags decline and which go to review (docs/risk.md); null: the server's RISK_POLICY / default. */
  risk_policy: riskPolicySchema.nullable(),
  /** Dashboard users of this project must sign in with a TOTP code; those not enrolled are sent to enrol (docs/accounts.md). */
  require_totp: z.boolean(),
  /**
   * Origins that may embed the capture page in an iframe (`<vkyc-capture>`, web/embed): its CSP
   * `frame-ancestors` lists them ('none' when empty) and the page posts its events only to them.
   * https origins only, plus http://localhost / 127.0.0.1 for development (docs/embed.md).
   */
  allowed_origins: z.array(z.string().max(300).superRefine(checkOrigin)).max(MAX_ALLOWED_ORIGINS),
  /** Document steps offer a photo file input: never, when the camera fails (denied / missing), or always (docs/embed.md). */
  document_upload_fallback: z.enum(DOCUMENT_UPLOAD_FALLBACKS),
  /**
   * Four-eyes (issue 15): a person's approval of a session the pipeline declined, or of a high-risk
   * one, waits for a second, different person (reviewer, admin or auditor) before it is final.
   */
  four_eyes: z.boolean(),
  /**
   * "High risk" for four-eyes: the risk stage's risk_score (0–1) at or above this. 0.6: any one
   * flag of weight ≥ 0.6 (tor, fraud IP, automation, headless, virtual camera) or two medium ones
   * (risk/policy.ts RISK_WEIGHTS); ordinary mismatches stay below.
   */
  four_eyes_risk_score: z.number().min(0).max(1),
  /** How long a reviewer's claim holds: 15 min, one careful review; after that another reviewer may take over. */
  review_claim_minutes: z.number().int().min(1).max(240),
  /** Erase this project's finished sessions after this many days; null: the server's RETENTION_DAYS. */
  retention_days: z.number().int().min(1).max(3650).nullable(),
  /** The capture page's branding: a name, a logo (data URL ≤ 200 KB), an accent colour; null: vkyc's own. */
  branding: brandingSchema,
  /**
   * The face-match bar (0–100 score) the face_match stage decides with; null: the calibrated
   * MATCH_THRESHOLD (50, domain/face-match.ts). Document pairs keep their review band under it and
   * video ↔ selfie keeps approving from max(95, this).
   */
  face_match_threshold: z.number().min(1).max(99).nullable(),
  /** Live agent mode (docs/live-calls-api.md §5): when agents take calls; null: always open. */
  agent_working_hours: workingHoursSchema.nullable(),
  /** What a waiting user is offered outside hours, with no agent online, or past the queue timeout. */
  agent_fallback: z.enum(['self_record', 'callback', 'wait']),
  /** A user waiting longer than this gets the fallback (10 min: past it most users have left anyway). */
  agent_queue_timeout_seconds: z.number().int().min(30).max(24 * 3600),
  /** An offer an agent does not answer goes to the next agent after this long. */
  agent_offer_timeout_seconds: z.number().int().min(5).max(300),
  /** The question script; `agent_questions_per_call` of them are drawn at random for each call. */
  agent_questions: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9_-]{1,40}$/), text: z.string().min(1).max(300) })).max(50),
  agent_questions_per_call: z.number().int().min(0).max(20),
};

/** Stored form: every field defaulted; keys this version does not know are dropped. */
export const projectSettingsSchema = z.object({
  non_english_phrase: fields.non_english_phrase.default(DEFAULT_NON_ENGLISH_PHRASE),
  risk_policy: fields.risk_policy.default(null),
  require_totp: fields.require_totp.default(false),
  allowed_origins: fields.allowed_origins.default([]),
  document_upload_fallback: fields.document_upload_fallback.default('off'),
  four_eyes: fields.four_eyes.default(false),
  four_eyes_risk_score: fields.four_eyes_risk_score.default(0.6),
  review_claim_minutes: fields.review_claim_minutes.default(15),
  retention_days: fields.retention_days.default(null),
  branding: fields.branding.default({ name: null, logo_data_url: null, color: null }),
  face_match_threshold: fields.face_match_threshold.default(null),
  agent_working_hours: fields.agent_working_hours.default(null),
  agent_fallback: fields.agent_fallback.default('wait'),
  agent_queue_timeout_seconds: fields.agent_queue_timeout_seconds.default(600),
  agent_offer_timeout_seconds: fields.agent_offer_timeout_seconds.default(20),
  agent_questions: fields.agent_questions.default(DEFAULT_AGENT_QUESTIONS),
  agent_questions_per_call: fields.agent_questions_per_call.default(3),
});
type ProjectSettings = z.infer<typeof projectSettingsSchema>;

/** PATCH body: any subset of the settings; unknown keys are refused. */
export const projectSettingsPatch = z.object(fields).partial().strict();
type ProjectSettingsPatch = z.infer<typeof projectSettingsPatch>;

/** The stored settings of a project, with defaults; a stored document that fails the schema is a server fault. */
export function parseSettings(stored: string | null): ProjectSettings {
  const r = projectSettingsSchema.safeParse(stored ? JSON.parse(stored) : {});
  if (!r.success) throw new Error(`projects.settings does not match its schema: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
}

export async function getProjectSettings(db: Db, projectId: string): Promise<ProjectSettings> {
  const row = await db.selectFrom('projects').select('settings').where('id', '=', projectId).executeTakeFirst();
  if (!row) throw new Error(`project ${projectId} not found`);
  return parseSettings(row.settings);
}

/** Merges a validated patch into the stored settings (in one transaction: concurrent patches of different keys both land). */
export async function updateProjectSettings(db: Db, projectId: string, patch: ProjectSettingsPatch): Promise<ProjectSettings> {
  return db.transaction().execute(async (tx) => {
    const current = await getProjectSettings(tx, projectId);
    const next = projectSettingsSchema.parse({ ...current, ...patch });
    await tx.updateTable('projects').set({ settings: JSON.stringify(next) }).where('id', '=', projectId).execute();
    return next;
  });
}

/** The API view. */
export const settingsView = (s: ProjectSettings) => ({ object: 'project_settings' as const, ...s });
