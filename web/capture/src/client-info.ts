import type { ClientInfo } from './api.ts';

// Device signals for the server's risk checks. The server treats them as claims (a client can lie);
// they help flag obvious mismatches such as a virtual camera label or a timezone far from the IP.
export function collectClientInfo(cameraLabel: string | null): ClientInfo {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string }; deviceMemory?: number };
  const info: ClientInfo = {
    user_agent: nav.userAgent,
    language: nav.language,
    screen: { width: screen.width, height: screen.height, pixel_ratio: window.devicePixelRatio || 1 },
    webrtc: typeof RTCPeerConnection !== 'undefined',
    languages: [...(nav.languages ?? [])].slice(0, 20),
    touch: (nav.maxTouchPoints ?? 0) > 0,
  };
  if (nav.hardwareConcurrency) info.hardware_concurrency = nav.hardwareConcurrency;
  if (typeof nav.deviceMemory === 'number') info.device_memory = nav.deviceMemory;
  try {
    info.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // Very old browsers: leave it out rather than guess.
  }
  const platform = nav.userAgentData?.platform ?? nav.platform;
  if (platform) info.platform = platform;
  if (cameraLabel) info.camera_label = cameraLabel;
  // Automation (WebDriver/CDP-driven browsers) sets this; a real user's browser leaves it false.
  if (typeof nav.webdriver === 'boolean') info.webdriver = nav.webdriver;
  const gpu = webglRenderer();
  if (gpu) info.gpu = gpu;
  return info;
}

/** The WebGL renderer string (software renderers such as SwiftShader point at emulators/VMs); null when unavailable. */
function webglRenderer(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r: unknown = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof r === 'string' ? r.slice(0, 256) : null;
  } catch {
    return null;
  }
}

/**
 * Spread of the camera's frame intervals over up to 1.5 s: a physical camera jitters by a
 * millisecond or more, a file played as a camera runs like clockwork (server: risk/device.ts).
 * Uses the capture timestamps of requestVideoFrameCallback; {} where the browser lacks it.
 */
export function measureFrameJitter(video: HTMLVideoElement, ms = 1500): Promise<{ camera_frame_interval_sd_ms?: number; camera_frame_intervals?: number }> {
  type Meta = { captureTime?: number; mediaTime: number };
  const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: (now: number, meta: Meta) => void) => number };
  if (typeof v.requestVideoFrameCallback !== 'function') return Promise.resolve({});
  return new Promise((resolve) => {
    const stamps: number[] = [];
    const end = performance.now() + ms;
    const tick = (now: number, meta: Meta) => {
      stamps.push(meta.captureTime ?? meta.mediaTime * 1000);
      if (now < end) v.requestVideoFrameCallback!(tick);
      else resolve(jitterOf(stamps));
    };
    v.requestVideoFrameCallback!(tick);
    // A paused or hidden video stops calling back: answer with what there is.
    setTimeout(() => resolve(jitterOf(stamps)), ms + 500);
  });
}

function jitterOf(stamps: number[]) {
  const d = stamps.slice(1).map((s, i) => s - stamps[i]!).filter((x) => x > 0);
  if (d.length < 2) return {};
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { camera_frame_interval_sd_ms: Math.round(sd * 1000) / 1000, camera_frame_intervals: d.length };
}
