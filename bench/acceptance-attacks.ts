// Attack sessions of the acceptance bench, built from the genuine clips (bench/acceptance-clips.ts)
// with bench/acceptance-media.ts. Each attack says what the attacker uploads, which challenges the
// session asks, and what the page (or a scripted client posing as it) reports in complete's body.
import { join } from 'node:path';
import type { ChallengeType } from '../src/domain/liveness-challenges.ts';
import { clipPath, GENUINE, type GenuineClip } from './acceptance-clips.ts';
import type { ChallengeEvent } from './acceptance-server.ts';
import * as media from './acceptance-media.ts';

export interface Submission {
  video: string;
  selfie: string;
  challenges: ChallengeType[];
  events: ChallengeEvent[];
  cameraLabel: string;
  seconds: number;
}
export interface Attack { type: string; name: string; build(tmp: string, data: string): Submission }

/** The camera label Chromium reports for a built-in webcam (what a genuine capture sends). */
export const WEBCAM_LABEL = 'Integrated Camera (04f2:b6d9)';
/** How long the page waits for one challenge before the retry prompt (contract: challenge_timeout_seconds). */
const PAGE_TIMEOUT = 8;
/** Seconds of frozen tail after a genuine take (issue 13: d3 + a frozen tail was approved). */
const FROZEN_TAIL = 4;

const clip = (name: string): GenuineClip => {
  const c = GENUINE.find((g) => g.name === name);
  if (!c) throw new Error(`unknown clip ${name}`);
  return c;
};

/** The page's report when it saw each challenge at `seen_at` (null = timed out): it shows the next prompt 0.3 s after the previous was seen. */
export function pageEvents(seen: Array<{ type: ChallengeType; seen_at: number | null }>): ChallengeEvent[] {
  let shown = 0;
  return seen.map((s, index) => {
    const shownAt = s.seen_at === null ? shown : Math.max(0, Math.min(shown, s.seen_at - 0.2));
    shown = (s.seen_at ?? shownAt + PAGE_TIMEOUT) + 0.3;
    return { type: s.type, index, shown_at: round(shownAt), seen_at: s.seen_at === null ? null : round(s.seen_at) };
  });
}
const round = (x: number) => Math.round(x * 100) / 100;

/** The page stops recording 1.5 s after the last challenge is seen ("All done — sending…"). */
export const recordedSeconds = (c: GenuineClip) => Math.min(c.duration, Math.max(...c.challenges.map((x) => x.seen_at)) + 1.5);

export function genuineSubmission(c: GenuineClip, tmp: string, data: string): Submission {
  const seconds = recordedSeconds(c);
  return {
    video: media.recording(clipPath(data, c.name), seconds, join(tmp, `rec_${c.name}.webm`)),
    selfie: media.frameJpeg(clipPath(data, c.name), c.selfieAt, join(tmp, `selfie_${c.name}.jpg`)),
    challenges: c.challenges.map((x) => x.type), events: pageEvents(c.challenges), cameraLabel: WEBCAM_LABEL, seconds,
  };
}

/** Challenge types a clip never performs (for "challenges absent" and replays into a new session). */
function notPerformed(c: GenuineClip): ChallengeType[] {
  const done = new Set<string>(c.moves.map((m) => (m.move === 'wink' ? 'blink' : m.move)));
  return (['turn_right', 'look_up', 'turn_left', 'look_down', 'move_closer'] as ChallengeType[]).filter((t) => !done.has(t)).slice(0, 2);
}

/** The clips attacks are built from: different people, 2–4 challenges each, both splits. */
export const ATTACK_CLIPS = ['d12', 'd11', 'd3'];

function perClip(type: string, make: (c: GenuineClip, tmp: string, data: string) => Submission, clips = ATTACK_CLIPS): Attack[] {
  return clips.map((n) => ({ type, name: `${type}:${n}`, build: (tmp: string, data: string) => make(clip(n), tmp, data) }));
}

const gen = (c: GenuineClip, tmp: string, data: string) => genuineSubmission(c, tmp, data);
const photo = (c: GenuineClip, tmp: string, data: string) => media.frameJpeg(clipPath(data, c.name), 0.2, join(tmp, `photo_${c.name}.jpg`));
const timedOut = (c: GenuineClip) => pageEvents(c.challenges.map((x) => ({ type: x.type, seen_at: null })));

export function attacks(): Attack[] {
  return [
    ...perClip('still_photo', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.stillPhoto(photo(c, tmp, data), g.seconds, join(tmp, `still_${c.name}.webm`)), events: timedOut(c) };
    }),
    ...perClip('photo_pan_zoom', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.pannedPhoto(photo(c, tmp, data), g.seconds, join(tmp, `pan_${c.name}.webm`)), events: timedOut(c) };
    }),
    // Worst case: the replayed recording performs exactly the session's challenges, and the page
    // sees them on the screen.
    ...perClip('screen_replay', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.screenReplay(clipPath(data, c.name), g.seconds, join(tmp, `screen_${c.name}.webm`)) };
    }),
    // More screens (n = 3 was too few to say anything), each variant of SCREENS on other clips of
    // both splits: a tablet held close, a laptop at an angle, a phone at arm's length, a monitor filmed close.
    ...([['d9', 'tablet'], ['d10', 'tablet'], ['d13', 'laptop'], ['d0', 'phone'], ['d20', 'phone'], ['d14', 'close'], ['d6', 'close']] as const).map(([n, screen]): Attack => ({
      type: 'screen_replay', name: `screen_replay:${n}:${screen}`,
      build: (tmp, data) => {
        const g = gen(clip(n), tmp, data);
        return { ...g, video: media.screenReplay(clipPath(data, n), g.seconds, join(tmp, `screen_${screen}_${n}.webm`), media.SCREENS[screen]) };
      },
    })),
    // The performing part of a genuine take played twice; the page saw the challenges in the first pass.
    ...perClip('looped_clip', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.loopedClip(clipPath(data, c.name), 0, g.seconds, 2, join(tmp, `loop_${c.name}.webm`)), seconds: g.seconds * 2 };
    }),
    // The stream freezes after the first challenge; a scripted client still claims every challenge.
    ...perClip('frozen_stream', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      const freezeAt = c.challenges[0]!.seen_at + 0.6;
      return { ...g, video: media.frozenClip(clipPath(data, c.name), freezeAt, g.seconds, join(tmp, `frozen_${c.name}.webm`)) };
    }, ['d12', 'd3']),
    // A genuine take, then its last frame held for 4 s (the page saw every challenge in the take):
    // bit-identical, and with fresh noise on every frame (a re-filmed or re-encoded freeze).
    ...perClip('frozen_tail', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.frozenTail(clipPath(data, c.name), g.seconds, FROZEN_TAIL, false, join(tmp, `tail_${c.name}.webm`)), seconds: g.seconds + FROZEN_TAIL };
    }),
    ...perClip('frozen_tail', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.frozenTail(clipPath(data, c.name), g.seconds, FROZEN_TAIL, true, join(tmp, `tail_noisy_${c.name}.webm`)), seconds: g.seconds + FROZEN_TAIL };
    }, ['d3', 'd9', 'd20']).map((a) => ({ ...a, name: `${a.name}:noisy` })),
    // A virtual camera fed one JPEG: every frame bit-identical.
    ...perClip('injected_still', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      return { ...g, video: media.injectedStill(photo(c, tmp, data), g.seconds, join(tmp, `inject_${c.name}.webm`)), events: timedOut(c) };
    }, ['d11', 'd9']),
    ...faceSwaps(),
    // A genuine recording with someone else's selfie.
    ...perClip('other_selfie', (c, tmp, data) => {
      const other = clip(ATTACK_CLIPS[(ATTACK_CLIPS.indexOf(c.name) + 1) % ATTACK_CLIPS.length]!);
      return { ...gen(c, tmp, data), selfie: media.frameJpeg(clipPath(data, other.name), other.selfieAt, join(tmp, `selfie_${other.name}.jpg`)) };
    }),
    // Look-alikes the embedder hardly separates (two East Asian men: 94.5 in bench/acceptance-identity.ts).
    ...perClip('other_selfie', (c, tmp, data) => ({ ...gen(c, tmp, data), selfie: media.frameJpeg(clipPath(data, 'd13'), clip('d13').selfieAt, join(tmp, 'selfie_d13.jpg')) }), ['d12', 'd0']).map((a) => ({ ...a, name: `${a.name}:selfie_d13` })),
    // A photo of another person (../shared/data/faces, read in place) as the selfie.
    ...OTHER_PHOTOS.map(([n, photo]): Attack => ({
      type: 'other_selfie', name: `other_selfie:${n}:${photo}`,
      build: (tmp, data) => ({ ...gen(clip(n), tmp, data), selfie: join(data, 'faces', photo) }),
    })),
    // Honest page, but the person never does what is asked: every prompt times out.
    ...perClip('challenges_absent', (c, tmp, data) => {
      const asked = notPerformed(c);
      return { ...gen(c, tmp, data), challenges: asked, events: pageEvents(asked.map((type) => ({ type, seen_at: null }))) };
    }, ['d9', 'd13', 'd19']),
    // The clip's moves asked in reverse order: the page sees the first prompt only when it is performed (last), then times out.
    ...perClip('wrong_order', (c, tmp, data) => {
      const rev = [...c.challenges].reverse();
      return { ...gen(c, tmp, data), challenges: rev.map((x) => x.type), events: pageEvents(rev.map((x, i) => ({ type: x.type, seen_at: i === 0 ? x.seen_at : null }))) };
    }),
    // A scripted client claims it saw challenges the video does not contain.
    ...perClip('page_claims_unseen', (c, tmp, data) => {
      const asked = notPerformed(c);
      return { ...gen(c, tmp, data), challenges: asked, events: pageEvents(asked.map((type, i) => ({ type, seen_at: 1.5 + 2 * i }))) };
    }, ['d9', 'd13', 'd19']),
    ...(['OBS Virtual Camera', '/home/user/Videos/victim.y4m', 'C:\\Users\\me\\Desktop\\face.mp4'] as const).map((label, i): Attack => ({
      type: 'virtual_camera', name: `virtual_camera:${ATTACK_CLIPS[i]}:${label}`,
      build: (tmp, data) => ({ ...gen(clip(ATTACK_CLIPS[i]!), tmp, data), cameraLabel: label }),
    })),
    // A genuine upload re-encoded and submitted to a new session that asks other challenges; the
    // scripted client claims them at the original moments.
    ...perClip('reencoded_replay', (c, tmp, data) => {
      const g = gen(c, tmp, data);
      const asked = notPerformed(c);
      return { ...g, video: media.reencoded(g.video, g.seconds, join(tmp, `reenc_${c.name}.webm`)), challenges: asked, events: pageEvents(asked.map((type, i) => ({ type, seen_at: c.challenges[i]?.seen_at ?? 1 + i }))) };
    }),
  ];
}

/** Other people's photos used as the selfie (clip, photo under ../shared/data/faces). */
const OTHER_PHOTOS: Array<[string, string]> = [['d19', 'openface/lennon-1.jpg'], ['d9', 'openface/carell.jpg'], ['d14', 'lfw_misc/Anthony_Hopkins_0001.jpg']];

/** Person A's take cut at `cut` s, then person B's clip from `bFrom`; the page saw A's and B's moves. */
function faceSwaps(): Attack[] {
  const pairs: Array<[string, number, string, number, number]> = [
    ['d12', 3.0, 'd14', 0, 3], ['d11', 5.0, 'd18', 1.5, 3], ['d3', 6.0, 'd10', 2.0, 5],
    // Look-alike pairs (the embedder's closest cross-clip identities) and one more mixed pair.
    ['d12', 3.0, 'd0', 0, 3], ['d9', 3.0, 'd12', 0, 3], ['d18', 3.5, 'd19', 2.0, 3],
  ];
  return pairs.map(([a, cut, b, bFrom, bSec]): Attack => ({
    type: 'face_swap', name: `face_swap:${a}+${b}`,
    build: (tmp, data) => {
      const A = clip(a), B = clip(b);
      const seen = [
        ...A.challenges.filter((x) => x.seen_at < cut - 0.3),
        ...B.challenges.filter((x) => x.seen_at > bFrom + 0.3 && x.seen_at < bFrom + bSec).map((x) => ({ type: x.type, seen_at: x.seen_at - bFrom + cut })),
      ];
      return {
        video: media.faceSwap(clipPath(data, a), cut, clipPath(data, b), bFrom, bSec, join(tmp, `swap_${a}_${b}.webm`)),
        selfie: media.frameJpeg(clipPath(data, a), A.selfieAt, join(tmp, `selfie_${a}.jpg`)),
        challenges: seen.map((x) => x.type), events: pageEvents(seen), cameraLabel: WEBCAM_LABEL, seconds: cut + bSec,
      };
    },
  }));
}
