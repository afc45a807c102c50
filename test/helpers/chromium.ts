import { chromium, type Browser } from 'playwright-core';

/** Headless Debian Chromium as the browser tests launch it (no background traffic, no first-run UI). */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Chromium whose camera and microphone are files (fake-media.ts). `fakeUi`: permission prompts are
 * answered yes (off: the context's permissions decide, e.g. a denied camera); `extra`: more flags
 * (WebRTC on loopback, autoplay…).
 */
export function launchWithFakeMedia(media: { video: string; audio: string }, o: { fakeUi?: boolean; extra?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', ...(o.fakeUi === false ? [] : ['--use-fake-ui-for-media-stream']),
      `--use-file-for-fake-video-capture=${media.video}`, `--use-file-for-fake-audio-capture=${media.audio}`, ...(o.extra ?? [])],
  });
}
