import { readFile } from 'node:fs/promises';
import { readWav } from '../../engines/speech/audio.ts';
import { monoAudio, type AvSyncResult } from '../../liveness/av-sync.ts';
import { assessRecording } from '../../liveness/recording.ts';
import { checkCameraInjection, checkVirtualCamera } from '../../liveness/camera-label.ts';
import { challengeSearchOf, phraseWindowOf, scheduleOf } from '../challenge-search.ts';
import type { Embedding } from '../../engines/face/port.ts';
import type { StageFinding } from '../../domain/findings.ts';
import type { CheckOutcome, ReplayReason } from '../../liveness/outcome.ts';
import { scanForLoop, splitThumbs } from '../../liveness/loop-scan.ts';
import { checkScreenReplay } from '../../liveness/screen-frame.ts';
import { scanForFreeze } from '../../liveness/freeze-scan.ts';
import { defineStage } from '../pipeline.ts';
import type { ResultOf } from '../results/index.ts';
import { livenessResult } from '../results/liveness.ts';
import { decodedOf } from './decode.ts';
import { frameEmbedding, videoFaces } from './video-faces.ts';
import { IDENTITY_SAMPLES, sampleIndices } from '../../faces/track-faces.ts';

type Finding = StageFinding;

/** Integrity reasons of assessRecording that mean the video is not a live capture. */
const REPLAY_REASONS = new Set<ReplayReason>(['still_image', 'looped_frames', 'frozen_stream', 'replay_suspected', 'face_swap', 'screen_replay']);

/**
 * Liveness of a self-recorded video, recomputed on the server from its frames with the same code as
 * the liveness API: the challenge schedule the page showed, still-photo / loop / face-swap checks,
 * audio-visual sync of the spoken phrase, the virtual-camera label. liveness_score (0–100) is the
 * weakest challenge's confidence, 0 when an integrity check blocks, null when no challenge was asked.
 */
export const livenessStage = defineStage(livenessResult)({
  name: 'liveness',
  inputs: ['decode', 'faces'],
  async run(ctx) {
    if (!decodedOf(ctx).sampled) return { skipped: true, liveness_score: null, findings: [] };
    const findings: Finding[] = [];
    const { frames, measurements, signatures } = await videoFaces(ctx);
    const plan = ctx.session.capture_plan;
    const schedule = scheduleOf(plan);
    // Challenges are searched where the page says it saw them, or in order after the phrase (issue 13).
    const search = challengeSearchOf(plan);
    // The still-photo and face-swap checks use the frames the identity track embedded (a photo's
    // embeddings stay within 0.13 of each other, a live face's spread 0.28–0.55 — bench:liveness).
    const embedAt = new Set(sampleIndices(measurements, IDENTITY_SAMPLES));
    const recorded = await Promise.all(measurements.map(async (m, i) => {
      const face = m.faces[0] ?? null;
      const embedding: Embedding | null = face && embedAt.has(i) ? await frameEmbedding(ctx, i) : null;
      return { t: m.t, face, faces: m.faces.length, embedding, signature: signatures[i]! };
    }));
    const wav = decodedOf(ctx).wav;
    const audio = wav && ctx.session.capture_plan?.phrase ? monoAudio(await readWav(wav)) : null;
    const { loop, freeze } = await everyFrameChecks(decodedOf(ctx).thumbs, decodedOf(ctx).containerTimes ?? null);
    const screen = checkScreenReplay(sampleIndices(measurements, SCREEN_FRAMES).map((i) => ({ t: measurements[i]!.t, image: frames[i]!.image, face: measurements[i]!.faces[0]!.box })));
    // AV sync only where the phrase was said: the faces stage measured every decoded frame there.
    const avWindow = phraseWindowOf(plan);
    const a = assessRecording({ schedule, frames: recorded, audio, search, containerTimes: decodedOf(ctx).containerTimes ?? null, extraChecks: [loop, freeze, screen], options: { avSync: { window: avWindow } } });

    if (schedule.length && !a.challenges.passed) {
      const failed = a.challenges.results.filter((r) => !r.passed).map((r) => ({ type: r.type, failure: r.failure }));
      const claimed = failed.filter((f) => f.failure === 'not_seen_where_claimed').length;
      findings.push({ code: 'challenge_failed', message: `${failed.length} of ${schedule.length} challenges were not performed as asked${claimed ? ` (${claimed} reported as seen by the page but absent from the video)` : ''}`, details: { failed, search } });
    }
    for (const c of a.checks.filter((x) => x.flagged && REPLAY_REASONS.has(x.reason))) {
      // A non-blocking check (delivery stalls) only sends the session to review (decision.ts).
      findings.push({ code: 'replay_suspected', message: `the video looks replayed or manipulated (${c.reason})`, blocking: c.blocking, details: c });
    }
    const av = a.avSync ? avSyncEvidence(a.avSync, avWindow) : null;
    // AV sync is evidence for the reviewer (`av_sync` in the result), not a finding: it calls half of
    // genuine talking windows out of step (bench:av-sync, report split 48.6 % accepted), so as a
    // review reason it would send every other genuine phrase session to a person (docs/speech.md).
    const cameraLabel = typeof ctx.session.client_info?.camera_label === 'string' ? ctx.session.client_info.camera_label : null;
    const virtual = checkVirtualCamera(cameraLabel ? [cameraLabel] : []);
    const injected = checkCameraInjection(cameraLabel ? [cameraLabel] : []);
    if (injected.flagged) findings.push({ code: 'camera_injection', message: 'the camera is named after a file or a face-injection tool: the video was not captured by a camera', blocking: true, details: injected.evidence });
    else if (virtual.flagged) {
      // Software that sends any video as the camera declines (the injection channel itself); a phone-as-webcam app or an effect filter goes to review.
      const feeds = (virtual.evidence.feeds_any_video as string[]).length > 0;
      findings.push({ code: 'virtual_camera', message: feeds ? 'the camera is virtual-camera software that can send any video as the camera' : 'the camera reports itself as a virtual camera', blocking: feeds, details: virtual.evidence });
    }
    if (!schedule.length) findings.push({ code: 'liveness_uncertain', message: 'no active challenge was asked; passive signals alone are too weak to establish liveness' });

    const blocked = a.checks.some((c) => c.flagged && c.blocking) || injected.flagged;
    return {
      liveness_score: schedule.length ? (blocked ? 0 : Math.round(a.livenessScore * 1000) / 10) : null,
      passed: findings.every((f) => f.blocking === false),
      schedule,
      challenges: a.challenges,
      checks: [...a.checks, virtual, injected],
      av_sync: av,
      passive_score: passiveScore(ctx.input('faces')),
      findings,
    };
  },
});

/** The loop and freeze scans over every frame's thumbnail; unflagged when decode wrote none (a pipeline without it). */
async function everyFrameChecks(thumbs: string | null | undefined, containerTimes: readonly number[] | null): Promise<{ loop: CheckOutcome; freeze: CheckOutcome }> {
  const raw = thumbs ? await readFile(thumbs).catch(() => null) : null;
  if (!raw) {
    const none = { scan: 'every_frame', frames: 0 };
    return { loop: { reason: 'looped_frames', flagged: false, blocking: true, evidence: none }, freeze: { reason: 'frozen_stream', flagged: false, blocking: true, evidence: none } };
  }
  const frames = splitThumbs(raw);
  return { loop: scanForLoop(frames), freeze: scanForFreeze(frames, containerTimes) };
}

/** Frames the screen check looks at (~20 ms each): enough that a few frames without the screen's edges in view don't decide. */
const SCREEN_FRAMES = 8;

/**
 * The AV-sync verdict with what it rests on: the phrase window searched, the mouth frames and seconds
 * of speech in it, the sub-windows averaged, and the correlation curve every 0.1 s of lag.
 */
function avSyncEvidence(r: AvSyncResult, window: { from: number; to: number } | null) {
  return {
    synced: r.synced, correlation: r.correlation, lag_seconds: r.lagSeconds, note: r.note ?? null,
    window_seconds: window ? [window.from, window.to] : null, frames: r.frames, speech_seconds: r.speechSeconds, windows: r.windows,
    curve: r.curve.filter((p) => Math.abs(Math.round(p.lag * 10) - p.lag * 10) < 1e-6),
  };
}

const passiveScore = (faces: ResultOf<'faces'>): number | null => (faces.skipped ? null : faces.passive.score);
