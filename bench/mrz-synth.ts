/**
 * Synthetic MRZ specimens for the MRZ benchmark and the unit tests: random but realistic field values
 * with valid ICAO 9303 check digits, printed in OCR-B (Debian fonts-ocr-b, the typeface ICAO 9303-3
 * prescribes) at the ICAO pitch (2.54 mm per character) on card-like backgrounds (gradient, guilloche,
 * portrait box, printed labels), then degraded like a phone photo. Nothing is written to disk: the
 * images are rendered in memory from a seed, so a split is reproducible and no media is committed.
 */
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { checkDigit, type MrzFormat } from '../src/documents/mrz-format.ts';

export type SynthFormat = Exclude<MrzFormat, 'FRENCH_NATIONAL_ID'>;
export const SYNTH_FORMATS: readonly SynthFormat[] = ['TD1', 'TD2', 'TD3', 'MRV-A', 'MRV-B'];

export const DEGRADATIONS = [
  'clean', 'rot90', 'rot180', 'rot270', 'skew', 'perspective', 'blur', 'jpeg', 'noise', 'lighting', 'lowres', 'phone',
] as const;
export type Degradation = (typeof DEGRADATIONS)[number];

export const OCR_B_FONT = '/usr/share/fonts/opentype/ocr-b/OCRB.otf';

/** Fails with a clear message when the OCR-B font is missing (never renders in a fallback font). */
export function assertOcrBFont(): void {
  if (!existsSync(OCR_B_FONT)) {
    throw new Error(`OCR-B font missing (${OCR_B_FONT}): apt-get install fonts-ocr-b (scripts/install-system.sh --test)`);
  }
}

/** mulberry32: small, fast, seedable; Math.random cannot be seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: ArrayLike<T>): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const between = (r: Rand, lo: number, hi: number): number => lo + r() * (hi - lo);
const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);
const cd = (s: string): string => String(checkDigit(s));
const two = (n: number): string => String(n).padStart(2, '0');

const STATES = ['DEU', 'FRA', 'ITA', 'ESP', 'NLD', 'CZE', 'POL', 'SWE', 'GBR', 'USA', 'CAN', 'AUS', 'BRA', 'IND', 'JPN', 'MEX', 'NOR', 'PRT', 'ROU', 'UTO', 'D<<'];
const SURNAMES = ['MUELLER', 'NOVAKOVA', 'OKONKWO', 'GARCIA LOPEZ', 'VAN DER BERG', 'OBRIEN', 'KOWALSKI', 'NGUYEN', 'SILVA', 'JOHANSSON',
  'ABDULLAH', 'TANAKA', 'SMITH', 'DUBOIS', 'ROSSI', 'IVANOVA', 'PAPADOPOULOS', 'HERNANDEZ', 'OLIVEIRA', 'KIM', 'WOJCIECHOWSKA', 'LI'];
const GIVEN = ['ANNA', 'JAN', 'MARIA', 'PETER', 'CHIDI', 'SOFIA', 'LUCAS', 'MEI', 'OMAR', 'ELENA', 'JEAN PIERRE', 'KAREN', 'YUKI', 'ZOE',
  'MAXIMILIAN', 'AISHA', 'BO', 'FRANCESCA', 'HUGO', 'IGOR'];

export interface SynthMrz {
  readonly format: SynthFormat;
  readonly lines: readonly string[];
  readonly fields: { document_number: string; surname: string; given_names: string; birth: string; expiry: string; sex: string; issuing: string; nationality: string };
}

function date(r: Rand, fromYear: number, toYear: number): string {
  return two(int(r, fromYear, toYear) % 100) + two(int(r, 1, 12)) + two(int(r, 1, 28));
}

// Letters in document numbers: issuers leave out the ones OCR-B confuses with digits (German
// passports and ID cards use C F G H J K L M N P R T V W X Y Z); U and O would be unreadable for
// any reader, since U weighs like 0 in the check digit.
const NUMBER_LETTERS = 'CFGHJKLMNPRTVWXYZ';

function docNumber(r: Rand): string {
  const digits = '0123456789';
  let s = '';
  for (let i = int(r, 0, 2); i > 0; i--) s += pick(r, NUMBER_LETTERS);
  const length = pick(r, [8, 9, 9, 9]);
  while (s.length < length) s += r() < 0.15 ? pick(r, NUMBER_LETTERS) : pick(r, digits);
  return s;
}

function namesField(surname: string, given: string, length: number): string {
  return pad(`${surname.replace(/ /g, '<')}<<${given.replace(/ /g, '<')}`, length);
}

/** A random MRZ of `format` with valid check digits (field grammar as in ICAO 9303 parts 4–7). */
export function randomMrz(format: SynthFormat, r: Rand): SynthMrz {
  const issuing = pick(r, STATES);
  const nationality = r() < 0.8 ? issuing : pick(r, STATES);
  const surname = r() < 0.15 ? `${pick(r, SURNAMES)} ${pick(r, SURNAMES)}` : pick(r, SURNAMES);
  const given = r() < 0.3 ? `${pick(r, GIVEN)} ${pick(r, GIVEN)}` : pick(r, GIVEN);
  const birth = date(r, 1940, 2007);
  const expiry = date(r, 2026, 2036);
  const sex = pick(r, ['M', 'F', 'F', 'M', '<']);
  const number = docNumber(r);
  const num9 = pad(number, 9);
  const fields = { document_number: number, surname, given_names: given, birth, expiry, sex, issuing, nationality };
  const visa = format.startsWith('MRV');
  const length = format === 'TD1' ? 30 : format === 'TD2' || format === 'MRV-B' ? 36 : 44;
  const drawn = visa ? pick(r, ['V<', 'VC', 'VD']) : format === 'TD3' ? pick(r, ['P<', 'PP', 'PD']) : pick(r, ['I<', 'ID', 'IR', 'AC']);
  // `IDFRA` on a 2×36 MRZ is the French national ID card's own layout, not ICAO TD2.
  const code = format === 'TD2' && drawn === 'ID' && issuing === 'FRA' ? 'I<' : drawn;
  if (format === 'TD1') {
    const optional1 = r() < 0.4 ? pad(String(int(r, 1000, 99999999)), 15) : '<'.repeat(15);
    const l1 = `${code}${issuing}${num9}${cd(num9)}${optional1}`;
    const optional2 = r() < 0.3 ? pad(String(int(r, 100, 9999999)), 11) : '<'.repeat(11);
    const head = `${birth}${cd(birth)}${sex}${expiry}${cd(expiry)}${nationality}${optional2}`;
    const composite = cd(l1.slice(5, 30) + head.slice(0, 7) + head.slice(8, 15) + head.slice(18, 29));
    return { format, lines: [l1, head + composite, namesField(surname, given, 30)], fields };
  }
  const l1 = `${code}${issuing}${namesField(surname, given, length - 5)}`;
  const core = `${num9}${cd(num9)}${nationality}${birth}${cd(birth)}${sex}${expiry}${cd(expiry)}`;
  let l2: string;
  if (format === 'TD3') {
    const personal = r() < 0.5 ? pad(String(int(r, 10000, 99999999999)), 14) : '<'.repeat(14);
    const pcd = /^<+$/.test(personal) && r() < 0.5 ? '<' : cd(personal);
    const body = core + personal + pcd;
    l2 = body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  } else if (format === 'TD2') {
    const optional = r() < 0.3 ? pad(String(int(r, 100, 9999999)), 7) : '<'.repeat(7);
    const body = core + optional;
    l2 = body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35));
  } else {
    const optional = r() < 0.3 ? pad(String(int(r, 100, 99999999)), length - 28) : '<'.repeat(length - 28);
    l2 = core + optional;
  }
  return { format, lines: [l1, l2], fields };
}

// Physical sizes (ICAO 9303 parts 4–7), millimetres: TD1 ID-1 card, TD2 ID-2, passport data page,
// MRV-A visa sticker (80 × 120, landscape), MRV-B (74 × 105). MRZ bottom margins and line pitch
// approximate the specification (lines 4.2 mm apart, last baseline ~5 mm above the edge).
const SIZES: Record<SynthFormat, { w: number; h: number }> = {
  TD1: { w: 85.6, h: 54 }, TD2: { w: 105, h: 74 }, TD3: { w: 125, h: 88 }, 'MRV-A': { w: 120, h: 80 }, 'MRV-B': { w: 105, h: 74 },
};
const PITCH_MM = 2.54;
const LINE_MM = 4.2;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function guilloche(r: Rand, w: number, h: number): string {
  const paths: string[] = [];
  const colour = `hsl(${int(r, 0, 360)},${int(r, 30, 60)}%,${int(r, 60, 80)}%)`;
  for (let k = 0; k < 26; k++) {
    const amp = between(r, 0.02, 0.12) * h;
    const freq = between(r, 1.5, 6) * Math.PI * 2 / w;
    const phase = r() * Math.PI * 2;
    const y0 = (k / 26) * h;
    let d = `M0 ${y0.toFixed(1)}`;
    for (let x = 0; x <= w; x += 8) d += ` L${x} ${(y0 + amp * Math.sin(freq * x + phase)).toFixed(1)}`;
    paths.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1" opacity="0.55"/>`);
  }
  return paths.join('');
}

/** The upright, undegraded specimen as PNG; `pxPerMm` sets the resolution (8 ≈ 200 dpi). */
export async function renderSpecimen(mrz: SynthMrz, r: Rand, pxPerMm = 8): Promise<Buffer> {
  assertOcrBFont();
  const size = SIZES[mrz.format];
  const w = Math.round(size.w * pxPerMm);
  const h = Math.round(size.h * pxPerMm);
  const hue = int(r, 0, 360);
  const pitch = PITCH_MM * pxPerMm;
  // ICAO 9303-3 prints MRZ characters ~2.4 mm tall (cap height ≈ 0.7 em in OCR-B), at a fixed pitch.
  const fontSize = 3.5 * pxPerMm;
  const lineCount = mrz.lines.length;
  const left = (w - mrz.lines[0]!.length * pitch) / 2;
  const lastBaseline = h - 4.5 * pxPerMm;
  const mrzText = mrz.lines.map((line, i) => {
    const y = lastBaseline - (lineCount - 1 - i) * LINE_MM * pxPerMm;
    // One <text> per glyph: librsvg ignores per-glyph x lists, and the pitch must be exact.
    return [...line].map((ch, k) => `<text x="${(left + k * pitch).toFixed(1)}" y="${y.toFixed(1)}" font-family="OCR B" font-size="${fontSize.toFixed(1)}" fill="#1a1a1a">${esc(ch)}</text>`).join('');
  }).join('');
  const label = (x: number, y: number, s: string, size2: number, colour = '#7a2a3a'): string =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size2}" fill="${colour}">${esc(s)}</text>`;
  const f = mrz.fields;
  // The portrait ends above the MRZ (TD1 cards carry both on one side in this rendering).
  const mrzTop = lastBaseline - (lineCount - 1) * LINE_MM * pxPerMm - 4 * pxPerMm;
  const portrait = { x: 0.05 * w, y: 0.16 * h, w: 0.27 * w, h: Math.min(0.5 * h, mrzTop - 0.2 * h) };
  const tx = portrait.x + portrait.w + 0.04 * w;
  const small = 2.2 * pxPerMm;
  const value = 3.2 * pxPerMm;
  const title = mrz.format.startsWith('MRV') ? 'VISA' : mrz.format === 'TD3' ? 'PASSPORT / PASSEPORT' : 'IDENTITY CARD / CARTE D IDENTITE';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},35%,90%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},30%,82%)"/>
    </linearGradient></defs>
    <rect width="${w}" height="${h}" fill="url(#g)" rx="${3 * pxPerMm}"/>
    ${guilloche(r, w, h)}
    <clipPath id="p"><rect x="${portrait.x}" y="${portrait.y}" width="${portrait.w}" height="${portrait.h}"/></clipPath>
    <rect x="${portrait.x}" y="${portrait.y}" width="${portrait.w}" height="${portrait.h}" fill="hsl(${hue},15%,70%)"/>
    <g clip-path="url(#p)"><ellipse cx="${portrait.x + portrait.w / 2}" cy="${portrait.y + portrait.h * 0.38}" rx="${portrait.w * 0.26}" ry="${portrait.h * 0.24}" fill="hsl(25,35%,62%)"/>
    <ellipse cx="${portrait.x + portrait.w / 2}" cy="${portrait.y + portrait.h}" rx="${portrait.w * 0.45}" ry="${portrait.h * 0.3}" fill="hsl(${hue},20%,35%)"/></g>
    ${label(portrait.x, 0.09 * h, `${title}  ${f.issuing.replace(/</g, '')}`, 3 * pxPerMm, '#203060')}
    ${label(tx, 0.2 * h, 'Surname / Nom', small)}${label(tx, 0.2 * h + value, f.surname, value, '#222')}
    ${label(tx, 0.34 * h, 'Given names / Prenoms', small)}${label(tx, 0.34 * h + value, f.given_names, value, '#222')}
    ${label(tx, 0.48 * h, 'Date of birth / Sex', small)}${label(tx, 0.48 * h + value, `${f.birth.slice(4)}.${f.birth.slice(2, 4)}.${f.birth.slice(0, 2)}   ${f.sex}`, value, '#222')}
    ${label(tx + 0.36 * w, 0.34 * h, 'Document no', small)}${label(tx + 0.36 * w, 0.34 * h + value, f.document_number, value, '#222')}
    ${mrzText}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

// --- degradations -----------------------------------------------------------------------------

interface Raw { data: Buffer; width: number; height: number }

async function raw(png: Buffer): Promise<Raw> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const fromRaw = (img: Raw): sharp.Sharp => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/** 3×3 homography mapping the unit square's corners (0,0),(1,0),(1,1),(0,1) onto `quad`. */
function squareToQuad(quad: readonly (readonly [number, number])[]): number[] {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad as [[number, number], [number, number], [number, number], [number, number]];
  const dx1 = x1 - x2; const dx2 = x3 - x2; const dy1 = y1 - y2; const dy2 = y3 - y2;
  const sx = x0 - x1 + x2 - x3; const sy = y0 - y1 + y2 - y3;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (sx * dy2 - dx2 * sy) / den;
  const hh = (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + hh * x3, x0, y1 - y0 + g * y1, y3 - y0 + hh * y3, y0, g, hh, 1];
}

function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h; const B = -(d * i - f * g); const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

/**
 * Places the card on a table-coloured canvas with its corners at `quad` (canvas pixels): a real
 * projective warp (bilinear sampling), which sharp's affine transform cannot express.
 */
function warpOnto(card: Raw, quad: readonly (readonly [number, number])[], cw: number, ch: number, table: readonly number[]): Raw {
  const inv = invert3(squareToQuad(quad));
  const out = Buffer.alloc(cw * ch * 3);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const wq = inv[6]! * x + inv[7]! * y + inv[8]!;
      const u = ((inv[0]! * x + inv[1]! * y + inv[2]!) / wq) * (card.width - 1);
      const v = ((inv[3]! * x + inv[4]! * y + inv[5]!) / wq) * (card.height - 1);
      const o = (y * cw + x) * 3;
      if (u < 0 || v < 0 || u > card.width - 1 || v > card.height - 1) {
        out[o] = table[0]!; out[o + 1] = table[1]!; out[o + 2] = table[2]!;
        continue;
      }
      const x0 = Math.floor(u); const y0 = Math.floor(v);
      const x1 = Math.min(card.width - 1, x0 + 1); const y1 = Math.min(card.height - 1, y0 + 1);
      const fx = u - x0; const fy = v - y0;
      for (let c = 0; c < 3; c++) {
        const p = (xx: number, yy: number): number => card.data[(yy * card.width + xx) * 3 + c]!;
        out[o + c] = Math.round((p(x0, y0) * (1 - fx) + p(x1, y0) * fx) * (1 - fy) + (p(x0, y1) * (1 - fx) + p(x1, y1) * fx) * fy);
      }
    }
  }
  return { data: out, width: cw, height: ch };
}

/** Card on a table; `skewDeg` rotates it, `keystone` (0–0.12) tilts it away like a hand-held phone. */
function onTable(card: Raw, r: Rand, skewDeg: number, keystone: number): Raw {
  const margin = 0.12;
  const cw = Math.round(card.width * (1 + 2 * margin));
  const ch = Math.round(card.height * (1 + 2 * margin) + card.width * 2 * margin * Math.abs(Math.sin((skewDeg * Math.PI) / 180)));
  const cx = cw / 2; const cy = ch / 2;
  const a = (skewDeg * Math.PI) / 180;
  const hw = card.width / 2; const hh = card.height / 2;
  // Keystone: the far edge (top or bottom, or a side) shrinks; each corner also jitters a little.
  const side = int(r, 0, 3);
  const corners: [number, number][] = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].map(([x, y], k) => {
    let px = x!; let py = y!;
    const far = side === 0 ? k < 2 : side === 1 ? k === 1 || k === 2 : side === 2 ? k >= 2 : k === 0 || k === 3;
    if (far) { if (side % 2 === 0) px *= 1 - keystone; else py *= 1 - keystone; }
    px += between(r, -1, 1) * keystone * 0.25 * hw;
    py += between(r, -1, 1) * keystone * 0.25 * hh;
    return [cx + px * Math.cos(a) - py * Math.sin(a), cy + px * Math.sin(a) + py * Math.cos(a)];
  });
  const shade = int(r, 40, 120);
  return warpOnto(card, corners, cw, ch, [shade, shade - 10, shade - 25].map((v) => Math.max(0, v)));
}

function addNoise(img: Raw, r: Rand, sd: number): Raw {
  const out = Buffer.from(img.data);
  for (let i = 0; i < out.length; i += 3) {
    // Box–Muller; one luminance sample plus a little chroma, like sensor noise.
    const n = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()) * sd;
    for (let c = 0; c < 3; c++) out[i + c] = Math.max(0, Math.min(255, Math.round(out[i + c]! + n + (r() - 0.5) * sd * 0.3)));
  }
  return { ...img, data: out };
}

/** Uneven light: a dark-to-bright gradient across the image and a soft specular glare spot. */
function addLighting(img: Raw, r: Rand): Raw {
  const out = Buffer.from(img.data);
  const angle = r() * Math.PI * 2;
  const gx = Math.cos(angle); const gy = Math.sin(angle);
  const lo = between(r, 0.45, 0.7);
  const glare = { x: between(r, 0.2, 0.8) * img.width, y: between(r, 0.3, 0.8) * img.height, rad: between(r, 0.12, 0.25) * img.width, k: between(r, 0.5, 0.8) };
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const t = ((x / img.width - 0.5) * gx + (y / img.height - 0.5) * gy + 0.71) / 1.42;
      const gain = lo + (1.1 - lo) * t;
      const d = Math.hypot(x - glare.x, y - glare.y) / glare.rad;
      const shine = d < 1.5 ? glare.k * Math.exp(-d * d * 1.6) : 0;
      const o = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.min(255, Math.round(out[o + c]! * gain + 255 * shine));
    }
  }
  return { ...img, data: out };
}

/** Applies `degradation` to an upright specimen; returns the bytes a user would upload. */
export async function degrade(png: Buffer, degradation: Degradation, r: Rand): Promise<Buffer> {
  let img = await raw(png);
  let quarter = 0;
  let blur = 0;
  let quality = 92;
  let scale = 1;
  switch (degradation) {
    case 'clean': img = onTable(img, r, between(r, -0.5, 0.5), 0); break;
    case 'rot90': case 'rot180': case 'rot270':
      img = onTable(img, r, between(r, -2, 2), 0.02);
      quarter = Number(degradation.slice(3));
      break;
    case 'skew': img = onTable(img, r, between(r, 3, 9) * (r() < 0.5 ? -1 : 1), 0.01); break;
    case 'perspective': img = onTable(img, r, between(r, -4, 4), between(r, 0.06, 0.12)); break;
    case 'blur': img = onTable(img, r, between(r, -1, 1), 0); blur = between(r, 1.2, 2); break;
    case 'jpeg': img = onTable(img, r, between(r, -1, 1), 0); quality = int(r, 18, 35); break;
    case 'noise': img = addNoise(onTable(img, r, between(r, -1, 1), 0), r, between(r, 12, 22)); break;
    case 'lighting': img = addLighting(onTable(img, r, between(r, -2, 2), 0.02), r); break;
    // MRZ characters ~11–14 px tall: a card filling a 640-px-wide frame of a webcam.
    case 'lowres': img = onTable(img, r, between(r, -1, 1), 0); scale = between(r, 0.55, 0.7); break;
    case 'phone': {
      img = addLighting(onTable(img, r, between(r, -5, 5), between(r, 0.04, 0.09)), r);
      img = addNoise(img, r, between(r, 5, 10));
      blur = between(r, 0.6, 1.1);
      quality = int(r, 55, 80);
      quarter = pick(r, [0, 0, 90, 180, 270]);
      break;
    }
  }
  let out = fromRaw(img);
  if (blur > 0) out = sharp(await out.blur(blur).png().toBuffer());
  if (scale !== 1) out = sharp(await out.resize(Math.round(img.width * scale)).png().toBuffer());
  if (quarter !== 0) out = sharp(await out.rotate(quarter).png().toBuffer());
  return out.jpeg({ quality }).toBuffer();
}

export interface SynthCase {
  readonly id: string;
  readonly mrz: SynthMrz;
  readonly degradation: Degradation;
  /** Seed of this one case: `synthCase(seed, …)` renders the same bytes again. */
  readonly seed: number;
}

/**
 * The cases of one synthetic set: every format × every degradation, `perRound` rounds. Sets with
 * different `setSeed` share no field values or renderings by construction (different streams).
 */
export function synthCases(setSeed: number, rounds: number): SynthCase[] {
  const out: SynthCase[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const format of SYNTH_FORMATS) {
      for (const degradation of DEGRADATIONS) {
        const seed = (setSeed * 1_000_003 + out.length * 7919 + 17) >>> 0;
        out.push({ id: `${format}/${degradation}/${round}`, mrz: randomMrz(format, rng(seed)), degradation, seed });
      }
    }
  }
  return out;
}

/** Renders one case to upload bytes (deterministic for its seed). */
export async function renderCase(c: SynthCase): Promise<Buffer> {
  const r = rng(c.seed ^ 0x9e3779b9);
  return degrade(await renderSpecimen(c.mrz, r), c.degradation, r);
}
