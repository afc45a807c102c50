// Browser subset of bench:acceptance: the hosted capture page in real Chromium (playwright-core,
// /usr/bin/chromium) against a real `vkyc serve` child process. The fake camera plays a real clip
// as y4m at 8, 12 or 15 fps while the page's MediaRecorder records 30 fps, so the upload repeats
// frames the way slow webcams and phones in low light do. The page is driven like a user: consent,
// the selfie (taken automatically by the face guide), record, then the page's own flow (Finish when
// it enables it, or the page stops by itself when every challenge was seen), upload, done.
import { chromium, type Page } from 'playwright-core';
import { join } from 'node:path';
import { clipPath, GENUINE } from './acceptance-clips.ts';
import { CaptureClient, livenessDetail, matchDetail, startServerProcess } from './acceptance-server.ts';
import { WEBCAM_LABEL } from './acceptance-attacks.ts';
import * as media from './acceptance-media.ts';
import { DEFAULT_RISK_POLICY, type RiskFlag } from '../src/risk/policy.ts';

const AUTOMATION_FLAGS: readonly RiskFlag[] = ['automation', 'headless', 'emulator'];

export interface BrowserRow { clip: string; split?: string; fps: number; kind: 'genuine' | 'still'; challenges: string[]; result: string; reasons: string[]; failed?: unknown; match?: unknown; events?: unknown; note?: string }

/** DEFAULT_RISK_POLICY without automation / headless / emulator (the harness itself). */
const HARNESS_RISK_POLICY = {
  decline: DEFAULT_RISK_POLICY.decline.filter((f) => !AUTOMATION_FLAGS.includes(f)),
  review: DEFAULT_RISK_POLICY.review.filter((f) => !AUTOMATION_FLAGS.includes(f)),
};

/**
 * Every genuine clip, at a source frame rate cycling through 8, 12 and 15 fps (the clips are in
 * bench/acceptance-clips.ts order: both splits), and one still photo. `--quick` runs the first two.
 */
const SOURCE_FPS = [8, 12, 15] as const;
const CASES: Array<{ clip: string; fps: number; kind: 'genuine' | 'still' }> = [
  ...GENUINE.map((g, i) => ({ clip: g.name, fps: SOURCE_FPS[i % SOURCE_FPS.length]!, kind: 'genuine' as const })),
  { clip: 'd12', fps: 15, kind: 'still' },
];

/**
 * The page counts down 3 s after "Record" (web/capture/src/steps/video.ts COUNTDOWN_S); the harness
 * presses Record as soon as the camera is open. The clip's first frame is held that long plus the
 * press, so the recording begins with the clip's first moves instead of 3 s into them.
 */
const LEAD_SECONDS = 3.3;

const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/**
 * Chromium names a file-fed fake camera after the file (a path ending in .y4m), which the server
 * rightly declines as camera_injection. A real user's webcam has a product name: the harness swaps
 * the label in the page's client-info for one (the rest of the request is the page's own).
 */
async function realCameraLabel(page: Page, seen: { label?: string }): Promise<void> {
  await page.route('**/v1/capture/client-info', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as { camera_label?: string };
    seen.label = body.camera_label;
    await route.continue({ postData: JSON.stringify({ ...body, camera_label: WEBCAM_LABEL }) });
  });
}

async function drive(page: Page, base: string, pagePath: string): Promise<string | undefined> {
  await page.goto(base + pagePath);
  await page.waitForSelector('[data-screen="consent"]', { timeout: 60_000 });
  await page.check('#agree');
  await page.click('[data-action="start"]');
  const use = page.locator('[data-screen="selfie"] [data-action="use"]');
  const manual = page.locator('[data-screen="selfie"] [data-action="capture"]');
  await use.or(manual).first().waitFor({ timeout: 90_000 });
  let note: string | undefined;
  if (!(await use.isVisible())) {
    await manual.click({ timeout: 2_000 }).catch(() => {});
    note = 'selfie taken manually';
  }
  await use.click({ timeout: 30_000 });
  await page.click('[data-screen="video"] [data-action="record"]', { timeout: 60_000 });
  // Until the upload starts: press Finish as soon as the page enables it (the current page), or let
  // the page stop by itself when it has seen every challenge.
  const finish = page.locator('[data-action="finish"]:not([disabled])');
  const after = page.locator('[data-screen="upload"], [data-screen="done"]');
  for (const end = Date.now() + 240_000; Date.now() < end;) {
    if (await after.count()) break;
    if (await finish.count()) await finish.first().click({ timeout: 2_000 }).catch(() => {});
    await page.waitForTimeout(500);
  }
  await page.waitForSelector('[data-screen="done"]', { timeout: 180_000 });
  return note;
}

export async function runBrowserSubset(tmp: string, data: string, quick: boolean): Promise<BrowserRow[]> {
  const rows: BrowserRow[] = [];
  // Headless Chromium driven by playwright IS automation (navigator.webdriver, HeadlessChrome): the
  // risk stage rightly flags it. This subset measures the capture page, face and liveness path, so
  // its server runs the default risk policy minus the three automation flags (docs/risk.md).
  const srv = await startServerProcess({ RISK_POLICY: JSON.stringify(HARNESS_RISK_POLICY) });
  const client = new CaptureClient(srv);
  try {
    const onlyClips = process.env.ACCEPTANCE_ONLY_CLIPS?.split(',');
    for (const c of (quick ? CASES.slice(0, 2) : CASES).filter((x) => !onlyClips || onlyClips.includes(x.clip))) {
      const clip = GENUINE.find((g) => g.name === c.clip)!;
      const src = clipPath(data, c.clip);
      const seconds = clip.duration;
      const video = c.kind === 'still'
        ? media.y4m(media.frameJpeg(src, 0.2, join(tmp, `bphoto_${c.clip}.jpg`)), 10, c.fps, join(tmp, `b_${c.clip}_${c.fps}_still_smear.y4m`))
        : media.y4m(src, seconds, c.fps, join(tmp, `b_${c.clip}_${c.fps}_smear.y4m`), LEAD_SECONDS);
      const audio = media.wav(src, seconds, join(tmp, `b_${c.clip}.wav`));
      const challenges = clip.challenges.map((x) => x.type);
      // A genuine clip is one take of 7–12 s: a recording longer than it would hold Chromium's loop
      // of the file, which the server rightly declines as looped_frames. So the page records at most
      // the clip (it stops sooner by itself once every challenge is seen); a challenge the page did
      // not see by then is left to the server to find or fail. The still photo gets room for the
      // page's 8 s per-challenge timeouts and retry prompts.
      const maxSeconds = c.kind === 'still' ? 30 : Math.max(5, Math.ceil(seconds + 0.5));
      const s = await client.createSession({ steps: ['selfie', 'video'], video_mode: 'self_record', video_max_duration: maxSeconds, phrase: 'none', challenges, challenge_order: 'fixed' });
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, `--use-file-for-fake-video-capture=${video}`, `--use-file-for-fake-audio-capture=${audio}`] });
      let note: string | undefined;
      try {
        const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera', 'microphone'] });
        const page = await ctx.newPage();
        const seen: { label?: string } = {};
        await realCameraLabel(page, seen);
        note = [await drive(page, srv.base, s.pagePath), `page's camera label ${JSON.stringify(seen.label ?? null)} sent as a webcam's`].filter(Boolean).join('; ');
      } catch (e) {
        note = `page flow failed: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        await browser.close();
      }
      const d = note?.startsWith('page flow failed') ? null : await client.waitDecided(s.id, 900_000);
      // What the page reported (challenge_events) and what the server found, to tell a page miss from a server miss.
      const report = (d?.full as { capture_plan?: { page_report?: unknown } } | undefined)?.capture_plan?.page_report;
      rows.push({ clip: c.clip, split: clip.split, fps: c.fps, kind: c.kind, challenges, result: d?.result ?? 'not_submitted', reasons: d?.reasons.map((r) => r.code) ?? [], failed: d ? livenessDetail(d) : undefined, match: d ? matchDetail(d) : undefined, events: report, note });
      process.stderr.write(`  browser ${c.clip}@${c.fps}fps ${c.kind}: ${rows.at(-1)!.result} ${rows.at(-1)!.reasons.join(',')}\n`);
    }
  } finally {
    await srv.stop();
  }
  return rows;
}
