import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.ts';
import { decodeImage } from '../../engines/face/image.ts';
import type { Embedding } from '../../engines/face/port.ts';
import { findDuplicates, type LinkValues } from '../../duplicates/find-duplicates.ts';
import { loadLists } from '../../duplicates/lists.ts';
import { storeTemplate } from '../../duplicates/templates.ts';
import { embedSingleFace } from '../../faces/face-for-matching.ts';
import { defineStage, type StageContext } from '../pipeline.ts';
import { duplicatesResult } from '../results/duplicates.ts';
import { frameEmbedding } from './video-faces.ts';

/**
 * The session's face template: the best video frame (the live face, the one face_match compared)
 * or, for a selfie-only profile, the selfie. Document portraits are not used: a stolen document's
 * photo is someone else's face.
 */
async function sessionTemplate(ctx: StageContext<'faces'>): Promise<{ template: Embedding; source: 'video' | 'selfie' } | null> {
  const faces = ctx.input('faces');
  const best = faces.skipped ? undefined : faces.best_frames[0];
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

function linkValues(ctx: StageContext<'document'>): LinkValues {
  const info = ctx.session.client_info;
  const f = ctx.input('document').reading?.fields;
  return {
    ip_address: typeof info?.ip_address === 'string' ? info.ip_address : null,
    browser_fingerprint: browserFingerprint(info),
    document_number: f?.document_number || null,
    document_name: f?.surname ? `${f.surname}<<${f.given_names ?? ''}` : null,
  };
}

export const duplicatesStage = defineStage(duplicatesResult)({
  name: 'duplicates',
  inputs: ['document', 'faces'],
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
});
