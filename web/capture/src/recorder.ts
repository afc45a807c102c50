// MediaRecorder with a container the browser can actually produce: Chrome/Android and Firefox
// record webm (VP8/VP9 + Opus), iOS Safari only mp4 (H.264 + AAC). The server accepts both.

const CANDIDATES = [
  'video/webm;codecs=vp8,opus',
  'video/webm;codecs=vp9,opus',
  'video/webm',
  'video/mp4;codecs=avc1,mp4a',
  'video/mp4',
] as const;

export function pickMimeType(isSupported: (t: string) => boolean): string | null {
  for (const t of CANDIDATES) if (isSupported(t)) return t;
  return null;
}

export function recordingSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && pickMimeType((t) => MediaRecorder.isTypeSupported(t)) !== null;
}

export interface Recording {
  stop(): Promise<Blob>;
  readonly mimeType: string;
}

/** Start recording; `stop()` resolves with the whole file. */
export function startRecording(stream: MediaStream): Recording {
  const mimeType = pickMimeType((t) => MediaRecorder.isTypeSupported(t)) ?? '';
  // 1 Mbit/s video: a 60 s clip stays ~8 MB (a short upload on 4G) while 720p faces stay sharp
  // enough for the server's face matcher.
  const rec = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 1_000_000, audioBitsPerSecond: 64_000 });
  const parts: Blob[] = [];
  rec.ondataavailable = (e) => {
    if (e.data.size > 0) parts.push(e.data);
  };
  rec.start(1000);
  return {
    mimeType,
    stop: () =>
      new Promise<Blob>((resolve) => {
        const finish = (): void => resolve(new Blob(parts, { type: (rec.mimeType || mimeType).split(';')[0] }));
        if (rec.state === 'inactive') return finish();
        rec.onstop = finish;
        rec.stop();
      }),
  };
}
