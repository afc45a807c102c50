// POST …/liveness/verify as one use case: token → frames decoded and measured on the server →
// challenges, integrity (replay/injection) checks, identity consistency and face match → one result
// with reasons and evidence. Client-sent landmarks/pose/blendshapes/anti-spoof scores are recorded
// and compared, never used to decide.

import { AppError } from '../domain/errors.ts';
import { MATCH_THRESHOLD } from '../domain/face-match.ts';
import { detectForMatching, embedForMatching, largest, SMALL_FACE_PX } from '../faces/face-for-matching.ts';
import type { ChallengeThresholds, ChallengeType } from '../domain/liveness-challenges.ts';
import type { Clock } from '../domain/time.ts';
import type { DetectedFace, Embedding, FaceEngine, RgbImage } from '../engines/face/port.ts';
import { checkCameraInjection, checkVirtualCamera } from './camera-label.ts';
import { checkClientData } from './client-data.ts';
import { frameSignature, type FrameSignature } from './frame-signature.ts';
import {
  checkDuplicates, checkFaceSwap, checkStill, checkTimestamps, round, toSeconds,
  type ImageCheckOptions,
} from './replay.ts';
import type { CheckOutcome } from './outcome.ts';
import { screenFrame, screenVerdict, type ScreenFrame } from './screen-frame.ts';
import { decodeDataUrl, type LivenessVerifyBody } from './schema.ts';
import { consumeChallengeToken, type NonceStore } from './token.ts';
import { verifyChallenges, type ChallengeVerdict } from './verify-challenges.ts';
import { captureReasons, type LivenessReason } from './reasons.ts';
import { analyzeFrames } from '../faces/analyze-frames.ts';
import { spreadIndices } from '../faces/track-faces.ts';

interface VerifyLivenessInput {
  body: LivenessVerifyBody;
  sessionId: string;
  projectId: string;
  /** The session's selfie (encoded image), when one was captured. */
  selfie?: Uint8Array | null;
}

interface VerifyLivenessOptions {
  thresholds?: ChallengeThresholds;
  image?: ImageCheckOptions;
  faceSwapMaxDistance?: number;
  clockSkewSeconds?: number;
}

interface VerifyLivenessDeps {
  engine: FaceEngine;
  decodeImage: (buf: Uint8Array) => Promise<RgbImage>;
  tokenSecret: string | Uint8Array;
  nonces: NonceStore;
  clock: Clock;
  options?: VerifyLivenessOptions;
}

interface LivenessResult {
  success: boolean;
  score: number;
  passed: boolean;
  details: { livenessScore: number; faceMatchScore: number | null; antiSpoofingScore: number | null };
  reasons: LivenessReason[];
  evidence: Record<string, unknown>;
}

export interface MeasuredFrame {
  index: number;
  challengeIndex: number;
  t: number;
  face: DetectedFace | null;
  faces: number;
  embedding: Embedding | null;
  signature: FrameSignature;
  width: number;
  height: number;
}

/** Decode, detect (largest face), embed and fingerprint one frame. */
export async function measureFrame(
  engine: FaceEngine, image: RgbImage, withAntispoof: boolean, models: { iris?: boolean; expressions?: boolean } = {},
): Promise<Pick<MeasuredFrame, 'face' | 'faces' | 'embedding' | 'signature' | 'width' | 'height'>> {
  const faces = await engine.detect(image, { mesh: true, antispoof: withAntispoof, maxFaces: 3, ...models });
  const face = largest(faces) ?? null;
  const embedding = face ? await engine.embed(image, face) : null;
  return { face, faces: faces.length, embedding, signature: frameSignature(image, face?.box ?? null), width: image.width, height: image.height };
}

async function decodeOrThrow(deps: VerifyLivenessDeps, s: string, what: string): Promise<RgbImage> {
  const bytes = decodeDataUrl(s);
  if (!bytes) throw new AppError('not_an_image', `${what} is not base64 image data`);
  try {
    return await deps.decodeImage(bytes);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, `${what}: ${err.message}`, err.details);
    throw err;
  }
}

/**
 * Frames the screen-replay check measures (~20 ms each on this thread, run while the workers still
 * detect later frames): spread over the capture, so a few frames without the screen's edges in view
 * do not decide (its rule: 3 of 4 frames show a screen).
 */
const SCREEN_FRAMES = 4;

async function measureAll(body: LivenessVerifyBody, deps: VerifyLivenessDeps, challenges: readonly ChallengeType[]): Promise<{ frames: MeasuredFrame[]; screen: CheckOutcome }> {
  // Everything overlaps: frames decode on libuv's pool and each is measured on a face worker as soon
  // as it is decoded; this thread fingerprints each frame when its faces arrive; a challenge's
  // furthest-turned frame is embedded as soon as that challenge's frames are all measured, while
  // the workers still detect the later frames. Only the frontal pick waits for every frame.
  const n = body.frames.length;
  const decoded = body.frames.map((f, index) => decodeOrThrow(deps, f.image, `frames[${index}].image`));
  for (const d of decoded) d.catch(() => undefined); // a failed decode is thrown by analyzeFrames; the rest must not go unhandled
  // Passive anti-spoof on two frames only: it is a weak signal (see ARCHITECTURE.md) and costs time.
  const spoofAt = new Set([0, Math.floor(n / 2)]);
  // The iris model only sharpens blinks and the expression model only scores smiles: skip them when
  // no such challenge was issued (~1/3 of the detect time each frame).
  const iris = challenges.includes('blink'), expressions = challenges.includes('smile');
  const frames: MeasuredFrame[] = new Array(n);
  const images: RgbImage[] = new Array(n);
  const embeddings = new Map<number, () => Promise<Embedding>>();
  const embed = (i: number) => {
    if (!embeddings.has(i)) embeddings.set(i, early(deps.engine.embed(images[i]!, frames[i]!.face!)));
    return embeddings.get(i)!;
  };
  // Chosen before the faces are known (each is measured as it arrives), as the recordings' sampleIndices spreads them.
  const screenAt = new Set(spreadIndices(Array.from({ length: n }, (_, i) => i), SCREEN_FRAMES));
  const screens: ScreenFrame[] = [];
  const left = new Map<number, number>(); // frames still to measure per challenge
  for (const f of body.frames) left.set(f.challengeIndex, (left.get(f.challengeIndex) ?? 0) + 1);
  await analyzeFrames(deps.engine, decoded.map((image, i) => ({ t: i, image })), {
    antispoofAt: (_, i) => spoofAt.has(i), irisAt: () => iris, expressionsAt: () => expressions, maxFaces: 3,
    onFrame: (index, m, image) => {
      const face = m.faces[0] ?? null; // largest first
      const challengeIndex = body.frames[index]!.challengeIndex;
      images[index] = image;
      if (face && screenAt.has(index)) screens.push(screenFrame({ t: toSeconds(body.frames[index]!.timestamp), image, face: face.box }));
      frames[index] = { index, challengeIndex, t: toSeconds(body.frames[index]!.timestamp), face, faces: m.faces.length,
        embedding: null, signature: frameSignature(image, face?.box ?? null), width: image.width, height: image.height };
      left.set(challengeIndex, left.get(challengeIndex)! - 1);
      if (left.get(challengeIndex) === 0) {
        const peak = challengePeak(frames, frames.flatMap((f, i) => (f && f.face && f.challengeIndex === challengeIndex ? [i] : [])));
        if (peak !== null) void embed(peak);
      }
    },
  });
  // Same selection as embeddedFrames() would make from scratch: the peaks started above are reused.
  const picks = embeddedFrames(frames);
  const vectors = await Promise.all(picks.map((i) => embed(i)()));
  picks.forEach((i, k) => { frames[i]!.embedding = vectors[k]!; });
  return { frames, screen: screenVerdict(screens.sort((a, b) => a.t - b.t)) };
}

const offFrontal = (f: Pick<MeasuredFrame, 'face'>) => Math.abs(f.face!.pose.yaw) + Math.abs(f.face!.pose.pitch);

/** The frame (of `indices`, all with a face) where the head is turned furthest, or null when none. */
function challengePeak(frames: readonly Pick<MeasuredFrame, 'face'>[], indices: number[]): number | null {
  return indices.reduce<number | null>((a, i) => (a === null || offFrontal(frames[i]!) > offFrontal(frames[a]!) ? i : a), null);
}

/**
 * Frames whose identity is embedded (≈ 50 ms each): the most frontal one (the reference for the
 * passport/selfie match) and, for every challenge, the frame where the head is turned furthest,
 * which is where a face swap or a mask pays off for an attacker; at least three (first and last
 * frames fill in). 3–5 of 8–60 frames; the still-photo and face-swap checks compare these.
 */
export function embeddedFrames(frames: readonly Pick<MeasuredFrame, 'face' | 'challengeIndex'>[]): number[] {
  const withFace = frames.map((f, i) => (f.face ? i : -1)).filter((i) => i >= 0);
  const out = new Set<number>();
  const frontal = withFace.reduce<number | null>((a, i) => (a === null || offFrontal(frames[i]!) < offFrontal(frames[a]!) ? i : a), null);
  if (frontal !== null) out.add(frontal);
  for (const c of new Set(withFace.map((i) => frames[i]!.challengeIndex))) {
    out.add(challengePeak(frames, withFace.filter((i) => frames[i]!.challengeIndex === c))!);
  }
  // The still-photo spread needs three (checkStill): add the first and last frames when short.
  for (const i of [withFace[0], withFace.at(-1)]) if (out.size < 3 && i !== undefined) out.add(i);
  return [...out].sort((a, b) => a - b);
}

/** Embedding of the most frontal frame: pose changes move descriptors, frontal is most comparable. */
function referenceEmbedding(frames: MeasuredFrame[]): Embedding | null {
  let best: MeasuredFrame | null = null;
  for (const f of frames) {
    if (!f.face || !f.embedding) continue;
    const off = Math.abs(f.face.pose.yaw) + Math.abs(f.face.pose.pitch);
    if (!best || off < Math.abs(best.face!.pose.yaw) + Math.abs(best.face!.pose.pitch)) best = f;
  }
  return best?.embedding ?? null;
}

type Reference = { embedding: Embedding; faces: number } | { embedding: null; note: string };

/** Embeds the largest face of a reference image (passport photo, selfie). */
async function embedReference(deps: VerifyLivenessDeps, image: RgbImage): Promise<Reference> {
  // As faces/compare embeds a photo's face: enlarged/padded when needed, small faces also zoomed on.
  const found = await detectForMatching(deps.engine, image);
  const face = largest(found.faces);
  if (!face) return { embedding: null, note: 'no face on the reference image' };
  const augment = face.box.height / found.scale < SMALL_FACE_PX;
  return { embedding: await embedForMatching(deps.engine, found.image, face, { augment }), faces: found.faces.length };
}

function matchAgainst(deps: VerifyLivenessDeps, ref: Embedding | null, other: Reference) {
  if (!ref) return { score: null, note: 'no face in frames' };
  if (!other.embedding) return { score: null, note: other.note };
  return { score: deps.engine.similarity(ref, other.embedding), faces: other.faces };
}

/** Settles now, rethrows when awaited: a reference computed beside the frames must not go unhandled. */
function early<T>(p: Promise<T>): () => Promise<T> {
  const settled = p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
  return async () => {
    const r = await settled;
    if (!r.ok) throw r.e;
    return r.v;
  };
}

interface CaptureContext {
  challenges: ChallengeType[];
  /** Token window and server receipt time, Unix seconds. */
  window: { issuedAt: number; expiresAt: number; receivedAt: number };
  client?: Array<{ headPose?: unknown; landmarks?: unknown }>;
  cameraLabels?: string[];
  /** Checks measured beside the frames' faces (verify: the screen-replay check on the frames' pixels). */
  extraChecks?: CheckOutcome[];
  options?: VerifyLivenessOptions;
}

interface CaptureAssessment {
  challenges: ChallengeVerdict;
  checks: CheckOutcome[];
  /** Reasons found in the frames (challenge, faces, integrity), blocking ones listed in `blocking`. */
  reasons: LivenessReason[];
  blocking: LivenessReason[];
  /** Challenge score, or 0 when a blocking integrity check fired. */
  livenessScore: number;
}

/**
 * Everything decided from measured frames alone (no token, no face match). Shared by
 * verifyLiveness and bench/liveness.ts, so the benchmark measures the code that runs in production.
 */
export function assessCapture(frames: readonly MeasuredFrame[], ctx: CaptureContext): CaptureAssessment {
  const o = ctx.options ?? {};
  const sigs = frames.map((f) => f.signature);
  const challenges = verifyChallenges(ctx.challenges, frames, o.thresholds ? { thresholds: o.thresholds } : {});
  const checks = [
    checkTimestamps(frames.map((f) => f.t), ctx.window,
      o.clockSkewSeconds !== undefined ? { clockSkewSeconds: o.clockSkewSeconds } : {}),
    // Client timestamps (seconds) tell a camera's short repeats from a frozen stream (frame-repeats.ts).
    ...checkDuplicates(sigs, o.image, { times: frames.map((f) => f.t) }),
    checkStill(sigs, o.image, frames.map((f) => f.embedding)),
    checkFaceSwap(frames.map((f) => f.embedding), o.faceSwapMaxDistance),
    checkClientData(frames.map((f, i) => ({
      headPose: ctx.client?.[i]?.headPose, landmarks: ctx.client?.[i]?.landmarks, server: f.face, width: f.width, height: f.height,
    }))),
    checkVirtualCamera(ctx.cameraLabels ?? []),
    checkCameraInjection(ctx.cameraLabels ?? []),
    ...(ctx.extraChecks ?? []),
  ];
  const { reasons, blocking, add } = captureReasons(challenges, frames, checks);
  // Liveness is not established when the capture itself failed an integrity check, however well the
  // (possibly replayed) frames performed the challenges; the challenge score stays in evidence.
  const integrityFailed = checks.some((c) => c.flagged && c.blocking);
  return { challenges, checks, reasons, blocking, livenessScore: integrityFailed ? 0 : round(challenges.score) };
}

function frameEvidence(f: MeasuredFrame) {
  const d = f.face;
  return {
    index: f.index, challengeIndex: f.challengeIndex, t: f.t, faces: f.faces,
    ...(d ? {
      pose: { yaw: round(d.pose.yaw, 1), pitch: round(d.pose.pitch, 1), roll: round(d.pose.roll, 1) },
      eyeOpen: [round(d.eyeOpenLeft), round(d.eyeOpenRight)], mouthOpen: round(d.mouthOpen), smile: round(d.smile),
      faceSize: round(d.quality.faceSize), antispoof: d.antispoof, liveness: d.liveness,
    } : {}),
  };
}

function passiveScore(frames: MeasuredFrame[]): number | null {
  const xs = frames.flatMap((f) => (f.face && f.face.antispoof !== null && Number.isFinite(f.face.antispoof) ? [f.face.antispoof] : []));
  return xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}

export async function verifyLiveness(input: VerifyLivenessInput, deps: VerifyLivenessDeps): Promise<LivenessResult> {
  const started = performance.now();
  const { body } = input;
  const token = await consumeChallengeToken(body.challengeToken,
    { sessionId: input.sessionId, projectId: input.projectId }, deps.tokenSecret, deps.clock, deps.nonces);
  const badIndex = body.frames.findIndex((f) => f.challengeIndex >= token.challenges.length);
  if (badIndex >= 0) {
    throw new AppError('validation_failed', `frames[${badIndex}].challengeIndex is beyond the ${token.challenges.length} challenges`);
  }
  // The passport photo and the selfie are embedded while the frames are measured (other workers).
  const passportRef = body.passport ? early(decodeOrThrow(deps, body.passport, 'passport').then((img) => embedReference(deps, img))) : null;
  const selfieRef = input.selfie ? early(deps.decodeImage(input.selfie).then((img) => embedReference(deps, img))) : null;
  const { frames, screen } = await measureAll(body, deps, token.challenges);
  const measuredMs = performance.now() - started;
  const labels = [body.device?.cameraLabel, ...(body.device?.cameraLabels ?? [])].filter((x): x is string => !!x);
  const assessment = assessCapture(frames, {
    challenges: token.challenges,
    window: { issuedAt: token.issuedAt, expiresAt: token.expiresAt, receivedAt: deps.clock.now().getTime() / 1000 },
    client: body.frames.map((f) => ({ headPose: f.headPose, landmarks: f.landmarks })),
    cameraLabels: labels,
    extraChecks: [screen],
    ...(deps.options ? { options: deps.options } : {}),
  });
  const ref = referenceEmbedding(frames);
  const passport = passportRef ? matchAgainst(deps, ref, await passportRef()) : null;
  const selfie = selfieRef ? matchAgainst(deps, ref, await selfieRef()) : null;
  const matchScores = [passport?.score, selfie?.score].filter((s): s is number => typeof s === 'number');

  const reasons = [...assessment.reasons];
  const blocking = new Set(assessment.blocking);
  const add = (r: LivenessReason) => { if (!reasons.includes(r)) reasons.push(r); blocking.add(r); };
  if ((passport && passport.score === null) || (selfie && selfie.score === null)) add('face_match_unavailable');
  if (matchScores.some((s) => s < MATCH_THRESHOLD)) add('face_mismatch');
  const { livenessScore, challenges, checks } = assessment;
  const faceMatchScore = matchScores.length ? round(Math.min(...matchScores) / 100) : null;
  const score = round(Math.min(livenessScore, faceMatchScore ?? 1));
  return {
    success: true,
    score,
    passed: blocking.size === 0,
    details: { livenessScore, faceMatchScore, antiSpoofingScore: passiveScore(frames) },
    reasons,
    evidence: {
      challenges: token.challenges,
      challengeResults: challenges.results,
      baseline: challenges.baseline,
      checks,
      faceMatch: { passport, selfie, threshold: MATCH_THRESHOLD },
      frames: frames.map(frameEvidence),
      client: { antiSpoofing: body.antiSpoofing ?? null, documentType: body.documentType ?? null, country: body.country ?? null,
        blendshapesFrames: body.frames.filter((f) => f.blendshapes).length },
      models: deps.engine.info(),
      timingsMs: { measure: Math.round(measuredMs), total: Math.round(performance.now() - started) },
    },
  };
}
