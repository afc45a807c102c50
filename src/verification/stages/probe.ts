import type { StageFinding } from '../../domain/findings.ts';
import { MediaError, probe } from '../../engines/media/ffmpeg.ts';
import { VIDEO_DURATION_SLACK } from '../../domain/session.ts';
import { defineStage } from '../pipeline.ts';
import { probeResult, type UNUSABLE_REASONS } from '../results/probe.ts';

type UnusableReason = (typeof UNUSABLE_REASONS)[number];

/** Minimum usable video: long enough to see a face and hear a phrase; big enough to find a face. */
export const MIN_VIDEO_SECONDS = 1;
export const MIN_VIDEO_SIDE = 160;

export const probeStage = defineStage(probeResult)({
  name: 'probe',
  async run(ctx) {
    const file = await ctx.localFile('video');
    if (!file) return { present: false };
    try {
      const p = await probe(ctx.deps.media, file, { signal: ctx.signal, maxSeconds: ctx.session.profile.video_max_duration + VIDEO_DURATION_SLACK });
      const unusable: UnusableReason | null =
        !p.video ? 'no_video_track'
        : p.duration_seconds === null || p.duration_seconds < MIN_VIDEO_SECONDS ? 'too_short'
        : Math.min(p.video.width, p.video.height) < MIN_VIDEO_SIDE ? 'resolution_too_low'
        : null;
      const findings: StageFinding[] = unusable ? [{ code: 'media_unusable', message: `video unusable: ${unusable}`, details: { reason: unusable } }] : [];
      return { present: true, usable: unusable === null, unusable_reason: unusable, ...p, findings };
    } catch (e) {
      if (e instanceof MediaError && e.code === 'media_unreadable') {
        // ffprobe's words (with the scratch path) go to the log; the stored result is shown to tenants.
        ctx.deps.log.warn('probe: video unreadable', { session: ctx.session.id, err: e.message });
        return {
          present: true, usable: false, unusable_reason: 'unreadable', duration_seconds: null,
          findings: [{ code: 'media_unusable', message: 'video could not be decoded', details: { reason: 'unreadable' } }],
        };
      }
      throw e; // timeouts and missing tools are retried
    }
  },
});
