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

const fields = {
  non_english_phrase: z.enum(NON_ENGLISH_PHRASE_POLICIES),
  /** Which risk flags decline and which go to review (docs/risk.md); null: the server's RISK_POLICY / default. */
  risk_policy: riskPolicySchema.nullable(),
  /** Dashboard users of this project must sign in with a TOTP code; those not enrolled are sent to enrol (docs/accounts.md). */
  require_totp: z.boolean(),
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
