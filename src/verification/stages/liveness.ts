import { readFile } from 'node:fs/promises';
import { audioVisualSync, readWav } from '../../liveness/av-sync.ts';
import { frameSignature } from '../../liveness/frame-signature.ts';
import { checkDuplicates, checkStill, checkVirtualCamera } from '../../liveness/replay.ts';
import { verifyScheduledChallenges, type ScheduledChallenge } from '../../liveness/verify-challenges.ts';
import type { Stage } from '../pipeline.ts';
import { decodedOf } from './decode.ts';
import { videoFaces } from './faces.ts';

type Finding = { code: string; message: string; details?: unknown };

/** Identity embeddings of this many frames spread over the video feed the still-photo check. */
const STILL_EMBEDDINGS = 5;

/**
 * Liveness of a self-recorded video, recomputed on the server from its frames: the challenge
 * schedule the page showed (same verifier as POST /v1/liveness/verify), still-photo and loop
 * detection, virtual-camera labels, audio-visual sync of the spoken phrase, and the passive models
 * (weak, advisory). liveness_score (0–100) is the weakest challenge's confidence, 0 when an
 * integrity check blocks; without challenges it is null (nothing active was asked).
 */
export const livenessStage: Stage = {
  name: 'liveness',
  async run(ctx) {
    if (!decodedOf(ctx).frames.length) return { skipped: true, liveness_score: null, findings: [] };
    const findings: Finding[] = [];
    const { frames, measurements } = await videoFaces(ctx);
    const engine = await ctx.deps.engines.face();
    const schedule = (ctx.session.capture_plan?.challenges ?? []) as ScheduledChallenge[];
    const timed = measurements.map((m) => ({ t: m.t, face: m.faces[0] ?? null }));
    const challenges = schedule.length ? verifyScheduledChallenges(schedule, timed) : null;
    if (challenges && !challenges.passed) {
      const failed = challenges.results.filter((r) => !r.passed).map((r) => ({ type: r.type, failure: r.failure }));
      findings.push({ code: 'challenge_failed', message: `${failed.length} of ${schedule.length} challenges were not performed as asked`, details: { failed } });
    }

    const sigs = frames.map((f, i) => frameSignature(f.image, measurements[i]?.faces[0]?.box ?? null));
    const withFace = measurements.map((m, i) => (m.faces[0] ? i : -1)).filter((i) => i >= 0);
    const picks = withFace.filter((_, k) => k % Math.max(1, Math.floor(withFace.length / STILL_EMBEDDINGS)) === 0).slice(0, STILL_EMBEDDINGS);
    const embeddings = await Promise.all(picks.map((i) => engine.embed(frames[i]!.image, measurements[i]!.faces[0]!)));
    const cameraLabel = typeof ctx.session.client_info?.camera_label === 'string' ? ctx.session.client_info.camera_label : null;
    const checks = [checkStill(sigs, {}, embeddings), ...checkDuplicates(sigs), checkVirtualCamera(cameraLabel ? [cameraLabel] : [])];
    for (const c of checks.filter((x) => x.flagged)) {
      findings.push({ code: c.reason === 'virtual_camera' ? 'virtual_camera' : 'replay_suspected', message: `integrity check ${c.reason} flagged the video`, details: c });
    }

    const wav = decodedOf(ctx).wav;
    const phraseEnd = schedule[0]?.at_seconds ?? Number.POSITIVE_INFINITY;
    const mouth = measurements.filter((m) => m.meshed && m.faces[0] && m.t <= phraseEnd).map((m) => ({ t: m.t, open: m.faces[0]!.mouthOpen }));
    const avSync = wav && ctx.session.capture_plan?.phrase ? audioVisualSync(mouth, readWav(await readFile(wav))) : null;
    if (avSync?.synced === false) findings.push({ code: 'av_sync_failed', message: 'mouth movement and speech do not line up', details: { correlation: avSync.correlation, lag_seconds: avSync.lagSeconds } });

    const passive = (ctx.results.faces as { passive?: { score?: number | null } } | undefined)?.passive?.score ?? null;
    const blocked = checks.some((c) => c.flagged && c.blocking);
    const liveness_score = challenges ? (blocked ? 0 : Math.round(challenges.score * 1000) / 10) : null;
    if (!challenges) findings.push({ code: 'liveness_uncertain', message: 'no active challenge was asked; passive signals alone are too weak to establish liveness', details: { passive } });
    return {
      liveness_score,
      passed: findings.every((f) => f.code === 'virtual_camera'),
      schedule,
      challenges,
      checks,
      av_sync: avSync ? { synced: avSync.synced, correlation: avSync.correlation, lag_seconds: avSync.lagSeconds, note: avSync.note ?? null } : null,
      passive_score: passive,
      findings,
    };
  },
};
