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
