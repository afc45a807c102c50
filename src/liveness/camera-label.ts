// The camera label the browser reports (MediaDeviceInfo.label) is chosen by the driver. The one
// home of what a label tells: the liveness checks below and the risk stage's device signals
// (risk/device.ts) read the same lists. A virtual camera is common among honest users (a phone as
// webcam, effect filters) and goes to review (checkVirtualCamera); one made to feed any video (OBS,
// ManyCam, …) declines a self-recorded capture (FEEDS_ANY_VIDEO). A label that is a file path or names a
// face-swap / injection tool is different: no physical or honest virtual camera is called that, only
// a capture fed from a file (e.g. Chromium's --use-file-for-fake-video-capture=/tmp/x.y4m) or a
// deepfake feed. That blocks (checkCameraInjection).

import type { CheckOutcome } from './outcome.ts';

/**
 * Labels of known virtual-camera drivers, each product's own default name. A flag for review, not
 * proof: people use OBS for honest reasons, and an injector can rename its device.
 */
const VIRTUAL_CAMERA_LABELS: readonly RegExp[] = [
  /\bobs\b/i, /manycam/i, /virtual/i, /snap camera/i, /xsplit/i, /camtwist/i, /e2esoft|vcam/i,
  /splitcam/i, /youcam/i, /altercam/i, /droidcam/i, /iriun/i, /epoccam/i, /nvidia broadcast/i,
  /mmhmm/i, /\bcamo\b/i, /dummy video device/i, /v4l2.?loopback/i, /fake/i, /deepfacelive/i, /avatarify/i,
  /logi capture/i, /ivcam/i,
];

/**
 * Looser than FILE_PATH (any media extension, any path with two separators): good enough for a
 * weighted risk factor (risk/device.ts), too loose to decline on.
 */
const PATH_LIKE = /\.(mp4|mov|mkv|avi|webm|y4m|mjpe?g|gif)\b|[\\/][^\\/]+[\\/]/i;

const FILE_PATH = [
  /^file:\/\//i,
  /(^|[\s"'(])\/(tmp|home|users|var|mnt|media|opt|root|dev\/shm|private)\//i, // absolute Unix paths
  /(^|[\s"'(])[a-z]:\\/i, // C:\…
  /\\\\[^\\]+\\/, // \\server\share\
  /\.(y4m|mjpe?g|mp4|webm|mkv|avi|mov|wmv|flv|gif|png|jpe?g|bmp|yuv|raw)(\s|"|'|\)|$)/i,
];

/** Tools whose purpose is to replace the camera with a synthetic face. */
const INJECTION_TOOLS = [
  /deepfacelive/i, /avatarify/i, /facefusion/i, /\broop\b/i, /deep-?live-?cam/i, /faceswap/i, /swapface/i,
  /magicam/i, /facerig/i, /vcam.*inject|inject.*cam/i, /deepfake/i,
];

export const namesVirtualCamera = (label: string) => VIRTUAL_CAMERA_LABELS.some((re) => re.test(label));
export const namesFileOrPath = (label: string) => FILE_PATH.some((re) => re.test(label)) || PATH_LIKE.test(label);

/**
 * Virtual cameras built to send any video or scene as the camera (a file, a window, a playlist):
 * for a self-recorded KYC capture that is the injection channel itself, and a reviewer watching the
 * injected replay of a genuine take sees a genuine person. The self-record pipeline declines these
 * (docs/acceptance.md); phone-as-webcam apps (DroidCam, Iriun, EpocCam, Camo) and effect filters
 * over a real camera (NVIDIA Broadcast, Snap Camera, mmhmm, YouCam, Logi Capture) stay review.
 */
const FEEDS_ANY_VIDEO: readonly RegExp[] = [/\bobs\b/i, /manycam/i, /xsplit/i, /splitcam/i, /camtwist/i, /e2esoft|vcam/i, /v4l2.?loopback/i, /dummy video device/i, /fake/i];

export function checkVirtualCamera(labels: readonly string[]): CheckOutcome {
  const matched = labels.filter(namesVirtualCamera);
  const feedsAnyVideo = matched.filter((l) => FEEDS_ANY_VIDEO.some((re) => re.test(l)));
  return { reason: 'virtual_camera', flagged: matched.length > 0, blocking: false, evidence: { labels: [...labels], matched, feeds_any_video: feedsAnyVideo } };
}

export function checkCameraInjection(labels: readonly string[]): CheckOutcome {
  const path = labels.filter((l) => FILE_PATH.some((re) => re.test(l)));
  const tool = labels.filter((l) => INJECTION_TOOLS.some((re) => re.test(l)));
  return {
    reason: 'camera_injection',
    flagged: path.length + tool.length > 0,
    blocking: true,
    evidence: { labels: [...labels], file_path: path, injection_tool: tool },
  };
}
