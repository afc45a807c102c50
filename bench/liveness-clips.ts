// The genuine challenge sequences of ../shared/data/video/liveportrait (bench:liveness and
// bench/verify-results.ts share them).
import type { ChallengeType } from '../src/domain/liveness-challenges.ts';

/**
 * Genuine events, labelled by eye on 2 fps contact sheets of each clip (seconds; coarse, ±0.25 s).
 * Each sequence starts at `from` (first frames = neutral baseline) and the windows are contiguous.
 */
export const GENUINE: Array<{ clip: string; from: number; windows: Array<{ type: ChallengeType; to: number }> }> = [
  { clip: 'd12', from: 0, windows: [{ type: 'smile', to: 1.3 }, { type: 'turn_left', to: 2.6 }, { type: 'turn_right', to: 4.2 }, { type: 'open_mouth', to: 5.6 }] },
  { clip: 'd9', from: 0, windows: [{ type: 'blink', to: 2.0 }, { type: 'smile', to: 11.8 }] },
  { clip: 'd18', from: 0, windows: [{ type: 'open_mouth', to: 2.8 }, { type: 'blink', to: 3.5 }, { type: 'open_mouth', to: 4.9 }] },
  { clip: 'd14', from: 0, windows: [{ type: 'smile', to: 1.2 }, { type: 'blink', to: 2.0 }] },
  { clip: 'd3', from: 1.4, windows: [{ type: 'look_down', to: 4.8 }, { type: 'open_mouth', to: 11.8 }] },
  { clip: 'd0', from: 0, windows: [{ type: 'smile', to: 2.4 }] },
  { clip: 'd10', from: 1.0, windows: [{ type: 'open_mouth', to: 3.8 }] },
  { clip: 'd13', from: 5.0, windows: [{ type: 'smile', to: 8.0 }] },
  { clip: 'd19', from: 3.8, windows: [{ type: 'smile', to: 8.2 }] },
];
