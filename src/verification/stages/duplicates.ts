import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.ts';
import { decodeImage } from '../../engines/face/image.ts';
import type { Embedding } from '../../engines/face/port.ts';
import { findDuplicates, type LinkValues } from '../../duplicates/find-duplicates.ts';
import { loadLists } from '../../duplicates/lists.ts';
import { storeTemplate } from '../../duplicates/templates.ts';
import { embedSingleFace } from '../../faces/face-for-matching.ts';
import type { Stage, StageContext } from '../pipeline.ts';
import { frameEmbedding } from './faces.ts';

/**
 * The session's face template: the best video frame (the live face, the one face_match compared)
 * or, for a selfie-only profile, the selfie. Document portraits are not used: a stolen document's
 * photo is someone else's face.
 */
async function sessionTemplate(ctx: StageContext): Promise<{ template: Embedding; source: 'video' | 'selfie' } | null> {
  const best = (ctx.results.faces as { best_frames?: Array<{ index: number }> } | undefined)?.best_frames?.[0];
  const fromVideo = best ? await frameEmbedding(ctx, best.index) : null;
  if (fromVideo) return { template: fromVideo, source: 'video' };
  const file = await ctx.localFile('selfie');
  if (!file) return null;
  try {
    const f = await embedSingleFace(await ctx.deps.engines.face(), await decodeImage(await readFile(file)), 'the selfie');
    return { template: f.embedding, source: 'selfie' };
  } catch (e) {
    if (e instanceof AppError) return null; // face_match already reported the selfie's problem
    throw e;
  }
}

/**
 * Without a client-side fingerprint, the stable parts of what the capture page reported stand in
 * for one: same browser build, language, timezone, screen and hardware.
 */
export function browserFingerprint(info: Record<string, unknown> | null): string | null {
  if (!info) return null;
  if (typeof info.fingerprint === 'string' && info.fingerprint) return info.fingerprint;
  if (typeof info.user_agent !== 'string') return null;
  const parts = ['user_agent', 'language', 'timezone', 'platform', 'hardware_concurrency', 'device_memory', 'screen'].map((k) => JSON.stringify(info[k] ?? null));
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

function linkValues(ctx: StageContext): LinkValues {
  const info = ctx.session.client_info;
  const doc = ctx.results.document as { reading?: { fields?: { document_number?: string; surname?: string; given_names?: string } } | null } | undefined;
  const f = doc?.reading?.fields;
  return {
    ip_address: typeof info?.ip_address === 'string' ? info.ip_address : null,
    browser_fingerprint: browserFingerprint(info),
    document_number: f?.document_number || null,
    document_name: f?.surname ? `${f.surname}<<${f.given_names ?? ''}` : null,
  };
}

export const duplicatesStage: Stage = {
  name: 'duplicates',
  async run(ctx) {
    const s = ctx.session;
    const face = await sessionTemplate(ctx);
    const values = linkValues(ctx);
    const lists = await loadLists(ctx.deps, s.project_id);
    // Search first, then store: the session must not find itself, and a retried job replaces its row.
    const found = await findDuplicates(ctx.deps, { projectId: s.project_id, sessionId: s.id, accountId: s.account_id, template: face?.template ?? null, values, lists });
    if (face) await storeTemplate(ctx.deps, { projectId: s.project_id, sessionId: s.id, accountId: s.account_id, template: face.template, links: found.links });
    return { template_source: face?.source ?? null, matches: found.matches, findings: found.findings };
  },
};
