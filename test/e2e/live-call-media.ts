import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { passportPage, personA1, personA3 } from '../helpers/face-media.ts';
import { MEDIA_DIR } from '../helpers/fake-media.ts';
import { headCrop, PERSON_A_S1 } from '../unit/faces/helpers.ts';
import { td3 } from '../unit/documents/mrz-fixtures.ts';

// What the live-call e2e's user shows to the camera and uploaded before the call: person A (the
// face-api sample photos) and a passport data page of person A with a TD3 MRZ. The fake camera
// loops FACE_SECONDS of person A's face (slow zoom and pan: head movement for the liveness hints)
// then DOC_SECONDS of the passport page filling the frame (the "capture still" moment), as one
// MJPEG file Chromium plays as its camera.

const run = promisify(execFile);

export const HOLDER = { number: 'K4T209386', surname: 'LINDQVIST', given: 'ELSA MARIA', birth: '910307', sex: 'F', expiry: '330812' };
export const MRZ_LINES = td3(HOLDER);
export const FACE_SECONDS = 5;
export const DOC_SECONDS = 8;
const FPS = 15;
/** The passport page's paper (face-media.ts passportPage): the document phase is this bright, the face phase is not. */
export const PAPER_RGB = [244, 239, 228] as const;

/** The first document (front) and the selfie the user uploaded in the earlier steps. */
export async function uploads(): Promise<{ document: Buffer; selfie: Buffer }> {
  return { document: await passportPage(await personA1(), MRZ_LINES), selfie: await personA3() };
}

export async function userCamera(): Promise<string> {
  const out = path.join(MEDIA_DIR, `call-user-face-doc-${FACE_SECONDS}-${DOC_SECONDS}.mjpeg`);
  if (existsSync(out)) return out;
  await mkdir(MEDIA_DIR, { recursive: true });
  const face = path.join(MEDIA_DIR, 'call-user-face.png');
  const doc = path.join(MEDIA_DIR, 'call-user-passport.png');
  await sharp({ create: { width: 960, height: 720, channels: 3, background: { r: 110, g: 118, b: 126 } } }).composite([{ input: await headCrop(1, PERSON_A_S1, 420), left: 270, top: 150 }]).png().toFile(face);
  // The page (1200×820) fills the width of a 4:3 frame, on paper-coloured margins: MRZ characters ~13 px high at 640×480.
  await writeFile(doc, await sharp(await passportPage(await personA1(), MRZ_LINES)).resize(1200, 900, { fit: 'contain', background: { r: PAPER_RGB[0], g: PAPER_RGB[1], b: PAPER_RGB[2] } }).png().toBuffer());
  const n = FACE_SECONDS * FPS;
  const tmp = `${out}.${process.pid}.tmp.mjpeg`;
  await run('ffmpeg', ['-v', 'error', '-y',
    '-loop', '1', '-t', String(FACE_SECONDS), '-i', face,
    '-loop', '1', '-t', String(DOC_SECONDS), '-i', doc,
    '-filter_complex',
    `[0:v]zoompan=z='1.05+0.05*sin(2*PI*on/${n})':x='iw/2-(iw/zoom/2)+30*sin(2*PI*on/${n})':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=${FPS},trim=duration=${FACE_SECONDS},setpts=PTS-STARTPTS[a];` +
    `[1:v]scale=640:480,fps=${FPS},trim=duration=${DOC_SECONDS},setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1,format=yuvj420p[v]`,
    '-map', '[v]', '-q:v', '3', '-f', 'mjpeg', tmp]);
  await rename(tmp, out);
  return out;
}
