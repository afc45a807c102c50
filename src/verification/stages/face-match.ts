import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.ts';
import { MATCH_THRESHOLD, meanEmbedding, VIDEO_SELFIE_APPROVE_SCORE, VIDEO_SELFIE_DECLINE_SCORE } from '../../domain/face-match.ts';
import { cropImage, decodeImage, encodeJpeg } from '../../engines/face/image.ts';
import type { Embedding, FaceEngine } from '../../engines/face/port.ts';
import { documentPortrait } from '../../faces/document-portrait.ts';
import { embedForMatching, embedSingleFace } from '../../faces/face-for-matching.ts';
import { IDENTITY_SAMPLES, spreadIndices } from '../../faces/track-faces.ts';
import { saveEvidence } from '../evidence.ts';
import type { StageFinding } from '../../domain/findings.ts';
import { getProjectSettings } from '../../projects/settings.ts';
import { defineStage, type RunContext, type StageContext } from '../pipeline.ts';
import { FACE_SOURCES, faceMatchResult } from '../results/face-match.ts';
import { padBox } from './faces.ts';
import { frameEmbedding } from './video-faces.ts';

/**
 * Pairs with the document photo get a review band below the threshold instead of a straight
 * decline: ID portraits are small, printed and years old, and the degraded-pair benchmark
 * (bench:faces, "selfie vs ID" simulation) shows genuine pairs spreading lower than selfie pairs.
 * A score this far under the threshold is declined even for a document pair.
 */
export const DOCUMENT_REVIEW_BAND = 15;

type Source = (typeof FACE_SOURCES)[number];

/**
 * Approve at or above `threshold`, decline below `declineBelow`, review between. Document pairs get
 * a band under the match threshold (above); the video ↔ selfie pair, two live captures of one
 * session, gets one above it (VIDEO_SELFIE_APPROVE_SCORE): a genuine pair scores far higher, and
 * a look-alike's selfie that clears the decline threshold goes to a person, not through.
 */
export function pairThresholds(a: Source, b: Source, match: number = MATCH_THRESHOLD): { threshold: number; declineBelow: number } {
  // `match`: the project's face_match_threshold (projects/settings.ts) when it sets one; the bands move with it.
  if (b === 'document') return { threshold: match, declineBelow: Math.max(0, match - DOCUMENT_REVIEW_BAND) };
  if (a === 'video' && b === 'selfie') {
    const threshold = Math.max(VIDEO_SELFIE_APPROVE_SCORE, match);
    return { threshold, declineBelow: Math.min(threshold, Math.max(VIDEO_SELFIE_DECLINE_SCORE, match)) };
  }
  return { threshold: match, declineBelow: match };
}
interface Side { embeddings: Embedding[]; evidence: string | null }
type Finding = StageFinding;

/**
 * The video's face is the mean descriptor of its best frames and the frames the faces stage spread
 * over the recording for the identity check (both already embedded there: no extra model runs).
 * One frame's descriptor moves with pose, speech and blur; the mean keeps what stays. Chosen on the
 * acceptance calibration clips (bench/acceptance-identity.ts): the best of 3 frames gave another
 * person's look-alike selfie 94.5 and a genuine talking person (d6, report split) 93.6–93.7, while
 * the mean of 9 frames gave look-alikes ≤ 94.2 and every genuine clip ≥ 98.5.
 */
async function videoSide(ctx: StageContext<'faces'>): Promise<Side | null> {
  const faces = ctx.input('faces');
  if (faces.skipped || !faces.best_frames.length) return null;
  const withFace = faces.per_frame.flatMap((p, i) => (p.faces > 0 ? [i] : []));
  const picks = [...new Set([...faces.best_frames.map((b) => b.index), ...spreadIndices(withFace, IDENTITY_SAMPLES)])];
  const embeddings = (await Promise.all(picks.map((i) => frameEmbedding(ctx, i)))).filter((e): e is Embedding => e !== null);
  return embeddings.length ? { embeddings: [meanEmbedding(embeddings)], evidence: 'evidence_video_face_1' } : null;
}

async function selfieSide(ctx: RunContext, engine: FaceEngine, findings: Finding[]): Promise<Side | null> {
  const file = await ctx.localFile('selfie');
  if (!file) return null;
  try {
    const img = await decodeImage(await readFile(file));
    const f = await embedSingleFace(engine, img, 'the selfie');
    const evidence = await saveEvidence(ctx, 'evidence_selfie_face', await encodeJpeg(cropImage(f.image, padBox(f.face.box, f.image)), 88), { quality: f.face.quality.score });
    return { embeddings: [f.embedding], evidence };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const code = e.code === 'face_too_small' ? 'low_quality' : e.code === 'multiple_faces' ? 'multiple_faces' : 'no_face';
    findings.push({ code, message: e.message, details: { image: 'selfie' } });
    return null;
  }
}

async function documentSide(ctx: RunContext, engine: FaceEngine, findings: Finding[]): Promise<Side | null> {
  const file = await ctx.localFile('document_front');
  if (!file) return null;
  const img = await decodeImage(await readFile(file)).catch(() => null);
  const portrait = img ? await documentPortrait(engine, img) : null;
  if (!portrait) {
    findings.push({ code: 'document_unreadable', message: 'no portrait photo was found on the document', details: { image: 'document_front' } });
    return null;
  }
  const evidence = await saveEvidence(ctx, 'evidence_document_portrait', await encodeJpeg(portrait.crop, 90), { rotation: portrait.rotation });
  // Document portraits are small and printed: always worth the augmented embedding (the plain recipe
  // the video frames share: see embedSingleFace).
  return { embeddings: [await embedForMatching(engine, portrait.crop, portrait.face, { augment: true })], evidence };
}

/** Best similarity between any embedding of one side and any of the other (each side has one today). */
function pairScore(engine: FaceEngine, a: Side, b: Side): number {
  let best = 0;
  for (const x of a.embeddings) for (const y of b.embeddings) best = Math.max(best, engine.similarity(x, y));
  return Math.round(best * 10) / 10;
}

export const faceMatchStage = defineStage(faceMatchResult)({
  name: 'face_match',
  inputs: ['faces'],
  async run(ctx) {
    const engine = await ctx.deps.engines.face();
    const selfieFindings: Finding[] = [];
    const documentFindings: Finding[] = [];
    // The three sides are independent: with face worker threads they are embedded side by side.
    const [v, s, d, settings] = await Promise.all([videoSide(ctx), selfieSide(ctx, engine, selfieFindings), documentSide(ctx, engine, documentFindings), getProjectSettings(ctx.deps.db, ctx.session.project_id)]);
    const match = settings.face_match_threshold ?? MATCH_THRESHOLD;
    const findings: Finding[] = [...selfieFindings, ...documentFindings];
    const sides: Partial<Record<Source, Side>> = {};
    if (v) sides.video = v;
    if (s) sides.selfie = s;
    if (d) sides.document = d;
    // Each pair names itself with its own threshold and outcome, so GET /v1/sessions/{id} can explain
    // every number (issue 13): document pairs have a review band under the threshold, others do not.
    const pairs: Array<{ pair: `${Source}_${Source}`; a: Source; b: Source; score: number; threshold: number; decline_below: number; outcome: 'match' | 'review' | 'mismatch'; match: boolean }> = [];
    for (const [a, b] of [['video', 'selfie'], ['video', 'document'], ['selfie', 'document']] as const) {
      const sa = sides[a];
      const sb = sides[b];
      if (!sa || !sb) continue;
      const score = pairScore(engine, sa, sb);
      const { threshold, declineBelow } = pairThresholds(a, b, match);
      const outcome = score >= threshold ? 'match' : score >= declineBelow ? 'review' : 'mismatch';
      pairs.push({ pair: `${a}_${b}`, a, b, score, threshold, decline_below: declineBelow, outcome, match: outcome === 'match' });
      if (outcome === 'match') continue;
      const uncertain = outcome === 'review';
      findings.push({ code: uncertain ? 'face_match_uncertain' : 'face_mismatch', message: `${a} and ${b} faces ${uncertain ? 'may not' : 'do not'} match (score ${score}, ${uncertain ? `approved from ${threshold}, declined below ${declineBelow}` : `threshold ${declineBelow}`})`, details: { a, b, score, threshold, decline_below: declineBelow } });
    }
    if (pairs.length === 0 && !findings.length) findings.push({ code: 'verification_incomplete', message: 'fewer than two face sources: nothing to compare' });
    // The seed's face_match_score compares the video face to the selfie/document: the weakest of
    // those pairs, so a high number means every comparison agreed. Without video: selfie ↔ document.
    const primary = pairs.filter((p) => p.a === 'video');
    const face_match_score = (primary.length ? primary : pairs).reduce<number | null>((m, p) => (m === null ? p.score : Math.min(m, p.score)), null);
    return {
      face_match_score,
      threshold: match,
      pairs,
      // In FACE_SOURCES order (video, selfie, document), as the sides were added.
      sources: FACE_SOURCES.filter((k) => sides[k]),
      evidence: FACE_SOURCES.flatMap((k) => sides[k]?.evidence ?? []),
      embedder: engine.info().embedder,
      findings,
    };
  },
});
