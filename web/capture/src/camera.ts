// Camera access and frame grabbing. getUserMedia failures are sorted into the two cases the user
// can act on differently: permission denied (change a browser setting) and no usable camera.

export class CameraError extends Error {
  constructor(readonly kind: 'camera_denied' | 'camera_missing', message: string) {
    super(message);
    this.name = 'CameraError';
  }
}

export interface Camera {
  stream: MediaStream;
  video: HTMLVideoElement;
  label: string;
  stop(): void;
}

export type Facing = 'user' | 'environment';

function classify(e: unknown): CameraError {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return new CameraError('camera_denied', name);
  return new CameraError('camera_missing', name || String(e));
}

export async function openCamera(video: HTMLVideoElement, facing: Facing, audio = false): Promise<Camera> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('camera_missing', 'getUserMedia unavailable');
  let stream: MediaStream;
  const audioC = audio ? { echoCancellation: true, noiseSuppression: true } : false;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      // 1280×720 is enough for an ID card's MRZ and a selfie, and mid-range phones encode it live.
      video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: audioC,
    });
  } catch (e) {
    // Some (older Android) browsers reject even "ideal" constraints: try once with none at all.
    if (!(e instanceof DOMException && e.name === 'OverconstrainedError')) throw classify(e);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: audio });
    } catch (e2) {
      throw classify(e2);
    }
  }
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch {
    // Autoplay of a muted inline video is allowed everywhere we target; frames still arrive.
  }
  if (video.readyState < 2) await new Promise((r) => video.addEventListener('loadeddata', r, { once: true }));
  const track = stream.getVideoTracks()[0];
  return {
    stream,
    video,
    label: track?.label ?? '',
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
      video.srcObject = null;
    },
  };
}

/** Draw the current frame into a canvas, downscaled so its longer side is at most maxSide. */
export function grabFrame(video: HTMLVideoElement, maxSide = 1920, canvas = document.createElement('canvas')): HTMLCanvasElement {
  const w = video.videoWidth || 640;
  const hgt = video.videoHeight || 480;
  const scale = Math.min(1, maxSide / Math.max(w, hgt));
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(hgt * scale);
  canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas;
}

export function canvasToJpeg(canvas: HTMLCanvasElement, quality = 0.92): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality),
  );
}
