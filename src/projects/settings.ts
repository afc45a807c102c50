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

/** Defaults (see docs/speech.md for the measurements behind `non_english_phrase`). */
const DEFAULT_NON_ENGLISH_PHRASE: NonEnglishPhrasePolicy = 'digits_spotting';

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
};

/** Stored form: every field defaulted; keys this version does not know are dropped. */
export const projectSettingsSchema = z.object({
  non_english_phrase: fields.non_english_phrase.default(DEFAULT_NON_ENGLISH_PHRASE),
  risk_policy: fields.risk_policy.default(null),
  require_totp: fields.require_totp.default(false),
  four_eyes: fields.four_eyes.default(false),
  four_eyes_risk_score: fields.four_eyes_risk_score.default(0.6),
  review_claim_minutes: fields.review_claim_minutes.default(15),
  retention_days: fields.retention_days.default(null),
  branding: fields.branding.default({ name: null, logo_data_url: null, color: null }),
  face_match_threshold: fields.face_match_threshold.default(null),
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
