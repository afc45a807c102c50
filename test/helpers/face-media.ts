import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { headCrop, PERSON_A_S1, PERSON_A_S3, PERSON_B_S6 } from '../unit/faces/helpers.ts';
import { MEDIA_DIR } from './media.ts';

// Session media built from the face photos face-api ships: person A (sample1 right / sample3 middle)
// and person B (sample6). Videos are stills with zoom/pan motion made by ffmpeg, cached per run.

const run = promisify(execFile);

export const personA1 = () => headCrop(1, PERSON_A_S1, 300);
export const personA3 = () => headCrop(3, PERSON_A_S3, 480);
export const personB = () => headCrop(6, PERSON_B_S6, 480);

async function cached(name: string, make: (tmp: string) => Promise<void>) {
  await mkdir(MEDIA_DIR, { recursive: true });
  const out = join(MEDIA_DIR, name);
  if (!(await stat(out).catch(() => null))) {
    const tmp = `${out}.${process.pid}.tmp${name.slice(name.lastIndexOf('.'))}`;
    await make(tmp);
    await rename(tmp, out);
  }
  return out;
}

async function still(name: string, parts: Array<{ img: Buffer; x: number; y: number }>, bg = { r: 110, g: 118, b: 126 }) {
  return cached(`${name}.png`, async (tmp) => {
    await sharp({ create: { width: 960, height: 720, channels: 3, background: bg } }).composite(parts.map((p) => ({ input: p.img, left: p.x, top: p.y }))).png().toFile(tmp);
  });
}

/** A 640×480 webm: the still, slowly zooming and panning, with a tone track. */
async function motion(name: string, png: string, seconds: number) {
  return cached(`${name}.webm`, async (tmp) => {
    const n = seconds * 15;
    await run('ffmpeg', ['-y', '-v', 'error', '-loop', '1', '-i', png, '-f', 'lavfi', '-i', `sine=frequency=200:duration=${seconds}`,
      '-vf', `zoompan=z='1.05+0.05*sin(2*PI*on/${n})':x='iw/2-(iw/zoom/2)+20*sin(2*PI*on/${n})':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=15`,
      '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-b:v', '600k', '-deadline', 'realtime', '-c:a', 'libopus', '-shortest', tmp]);
  });
}

export async function videoOfA(seconds = 6) {
  return motion(`person-a-${seconds}s`, await still('person-a', [{ img: await headCrop(1, PERSON_A_S1, 420), x: 270, y: 150 }]), seconds);
}

export async function videoTwoFaces(seconds = 6) {
  return motion(`two-faces-${seconds}s`, await still('two-faces', [{ img: await headCrop(1, PERSON_A_S1, 380), x: 60, y: 170 }, { img: await personB().then((b) => sharp(b).resize(380).toBuffer()), x: 520, y: 170 }]), seconds);
}

export async function videoBlack(seconds = 4) {
  return cached(`black-${seconds}s.webm`, async (tmp) => {
    await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', `color=c=black:s=640x480:r=15:d=${seconds}`, '-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono`, '-t', String(seconds), '-c:v', 'libvpx', '-c:a', 'libopus', '-shortest', tmp]);
  });
}

/** First half person A, second half person B: the identity changes mid-video. */
export async function videoFaceChange(seconds = 8) {
  const a = await motion(`change-a-${seconds / 2}s`, await still('person-a', [{ img: await headCrop(1, PERSON_A_S1, 420), x: 270, y: 150 }]), seconds / 2);
  const b = await motion(`change-b-${seconds / 2}s`, await still('person-b', [{ img: await personB().then((x) => sharp(x).resize(420).toBuffer()), x: 270, y: 150 }]), seconds / 2);
  return cached(`face-change-${seconds}s.webm`, async (tmp) => {
    const list = `${tmp}.txt`;
    await writeFile(list, `file '${a}'\nfile '${b}'\n`);
    await run('ffmpeg', ['-y', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', tmp]);
  });
}

/** An ID-card-like image: light card, portrait of `face` on the left, text lines on the right. */
export async function idCard(face: Buffer): Promise<Buffer> {
  const text = Array.from({ length: 5 }, (_, i) => `<rect x="330" y="${120 + i * 50}" width="${380 - i * 30}" height="18" fill="#555"/>`).join('');
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="856" height="540"><rect width="856" height="540" rx="24" fill="#e8eef3"/><rect x="0" y="0" width="856" height="70" fill="#2d5f8a"/>${text}</svg>`);
  const portrait = await sharp(face).resize(240, 300, { fit: 'cover' }).toBuffer();
  return sharp(svg).composite([{ input: portrait, left: 50, top: 120 }]).jpeg({ quality: 85 }).toBuffer();
}

/** A passport-like data page: the holder's photo, printed fields and a TD3 MRZ in a monospace font. */
export async function passportPage(face: Buffer, mrzLines: readonly string[]): Promise<Buffer> {
  const esc = (s: string) => s.replace(/</g, '&lt;');
  const text = (y: number, size: number, s: string, extra = '') => `<text x="60" y="${y}" font-family="DejaVu Sans Mono" font-size="${size}" ${extra}>${esc(s)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="820"><rect width="1200" height="820" fill="#f4efe4"/>
    ${text(80, 34, 'UTOPIA  PASSPORT', 'font-weight="bold"')}
    <g transform="translate(380,0)">${text(180, 26, 'Surname / Nom')}${text(240, 26, 'Given names / Prénoms')}</g>
    ${mrzLines.map((l, i) => text(690 + i * 62, 40, l, 'letter-spacing="1.5"')).join('')}</svg>`;
  const photo = await sharp(face).resize(280, 350, { fit: 'cover' }).toBuffer();
  return sharp(Buffer.from(svg)).composite([{ input: photo, left: 60, top: 130 }]).jpeg({ quality: 85 }).toBuffer();
}

/** Person A's video with a speech track (e.g. flite saying the session's phrase) instead of a tone. */
export async function videoOfAWithSpeech(wav: string, out: string): Promise<string> {
  const png = await still('person-a', [{ img: await headCrop(1, PERSON_A_S1, 420), x: 270, y: 150 }]);
  await run('ffmpeg', ['-y', '-v', 'error', '-loop', '1', '-i', png, '-i', wav,
    '-vf', "zoompan=z='1.05':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=15",
    '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-b:v', '400k', '-deadline', 'realtime', '-c:a', 'libopus', '-shortest', out]);
  return out;
}
