// The camera label the browser reports (MediaDeviceInfo.label) is chosen by the driver. A generic
// virtual camera (OBS, ManyCam, …) is common among honest users and only goes to review
// (checkVirtualCamera in replay.ts). A label that is a file path or names a face-swap / injection
// tool is different: no physical or honest virtual camera is called that, only a capture fed from a
// file (e.g. Chromium's --use-file-for-fake-video-capture=/tmp/x.y4m) or a deepfake feed. That blocks.

import type { CheckOutcome } from './replay.ts';

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
