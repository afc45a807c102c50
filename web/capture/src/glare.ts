// Glare = a specular reflection: a compact blown-out patch lying ON the document, brighter than the
// card around it. Counting every saturated pixel (the previous check) flagged clean documents: a
// white passport page, the white MRZ band of an ID card or a white scan background are all at 255
// without any glare (72–76 % "glare" on the clean ICAO passport specimens of ../shared/data/docs).
//
// So the measure is the area of the largest blown region that
//  - is made of 8×8 blocks that are ≥ 75 % saturated (≥ 250: a JPEG of a clipped highlight keeps
//    its values within a few levels of 255, paper in normal light stays under ~240);
//  - does not touch the frame border: a white background or a page running out of the frame is
//    not a reflection (the page's card frame keeps the document inside the picture);
//  - is surrounded by clearly darker document: median luma of the 2-block ring around it at most
//    RING_MAX (white paper next to a white patch is still white paper; a spot on a printed card is
//    surrounded by the card's colours).
// Checked by test/unit/capture/glare.test.ts on every specimen of ../shared/data/docs (no false
// glare) and on the same specimens with an added specular spot (glare found).

export const GLARE_LEVEL = 250;
const BLOCK = 8;
/** Share of a block's pixels at ≥ GLARE_LEVEL for the block to count as blown out. */
const BLOWN_SHARE = 0.75;
/** The ring around a glare spot must be darker than this (0..255): printed card, not white paper. */
export const RING_MAX = 225;

interface Grid {
  gw: number;
  gh: number;
  blown: Uint8Array;
  mean: Float32Array;
}

function blocks(luma: Uint8ClampedArray | Uint8Array, w: number, h: number): Grid {
  const gw = Math.ceil(w / BLOCK);
  const gh = Math.ceil(h / BLOCK);
  const sat = new Float32Array(gw * gh);
  const sum = new Float32Array(gw * gh);
  const n = new Float32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const row = ((y / BLOCK) | 0) * gw;
    for (let x = 0; x < w; x++) {
      const v = luma[y * w + x]!;
      const b = row + ((x / BLOCK) | 0);
      sum[b]! += v;
      n[b]! += 1;
      if (v >= GLARE_LEVEL) sat[b]! += 1;
    }
  }
  const blown = new Uint8Array(gw * gh);
  const mean = new Float32Array(gw * gh);
  for (let b = 0; b < gw * gh; b++) {
    mean[b] = n[b]! ? sum[b]! / n[b]! : 0;
    blown[b] = n[b]! && sat[b]! / n[b]! >= BLOWN_SHARE ? 1 : 0;
  }
  return { gw, gh, blown, mean };
}

/** Blocks of one 4-connected blown component starting at `start`; marks them in `seen`. */
function component(g: Grid, start: number, seen: Uint8Array): number[] {
  const out: number[] = [];
  const stack = [start];
  seen[start] = 1;
  while (stack.length) {
    const b = stack.pop()!;
    out.push(b);
    const x = b % g.gw;
    const y = (b / g.gw) | 0;
    const next = [x > 0 ? b - 1 : -1, x < g.gw - 1 ? b + 1 : -1, y > 0 ? b - g.gw : -1, y < g.gh - 1 ? b + g.gw : -1];
    for (const c of next) {
      if (c >= 0 && g.blown[c] && !seen[c]) {
        seen[c] = 1;
        stack.push(c);
      }
    }
  }
  return out;
}

function ringMedian(g: Grid, comp: number[]): number {
  const inComp = new Set(comp);
  const ring = new Set<number>();
  for (const b of comp) {
    const x = b % g.gw;
    const y = (b / g.gw) | 0;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= g.gw || ny >= g.gh) continue;
        const c = ny * g.gw + nx;
        if (!inComp.has(c) && !g.blown[c]) ring.add(c);
      }
    }
  }
  const vals = [...ring].map((c) => g.mean[c]!).sort((a, b) => a - b);
  return vals.length ? vals[vals.length >> 1]! : 255;
}

/** Pure: share of the frame (0..1) covered by the largest glare spot; 0 when there is none. */
export function glareSpot(luma: Uint8ClampedArray | Uint8Array, w: number, h: number): number {
  if (w < BLOCK * 3 || h < BLOCK * 3) return 0;
  const g = blocks(luma, w, h);
  const seen = new Uint8Array(g.gw * g.gh);
  let best = 0;
  for (let b = 0; b < g.blown.length; b++) {
    if (!g.blown[b] || seen[b]) continue;
    const comp = component(g, b, seen);
    const touches = comp.some((c) => {
      const x = c % g.gw;
      const y = (c / g.gw) | 0;
      return x === 0 || y === 0 || x === g.gw - 1 || y === g.gh - 1;
    });
    if (touches || ringMedian(g, comp) > RING_MAX) continue;
    best = Math.max(best, (comp.length * BLOCK * BLOCK) / (w * h));
  }
  return Math.min(1, best);
}
