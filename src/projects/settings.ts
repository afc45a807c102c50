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
};

/** Stored form: every field defaulted; keys this version does not know are dropped. */
export const projectSettingsSchema = z.object({
  non_english_phrase: fields.non_english_phrase.default(DEFAULT_NON_ENGLISH_PHRASE),
  risk_policy: fields.risk_policy.default(null),
  require_totp: fields.require_totp.default(false),
  allowed_origins: fields.allowed_origins.default([]),
  document_upload_fallback: fields.document_upload_fallback.default('off'),
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
