import { UAParser } from 'ua-parser-js';
import ct from 'countries-and-timezones';
import { namesFileOrPath, namesVirtualCamera } from '../liveness/camera-label.ts';
import { utcOffsetMinutes } from './geo-math.ts';

// Device signals from the capture page's client info (claims: a careful attacker can fake each of
// them; they catch the careless majority) and the user agent.

export interface DeviceClaims {
  user_agent?: string;
  timezone?: string;
  language?: string;
  languages?: string[];
  platform?: string;
  touch?: boolean;
  webdriver?: boolean;
  gpu?: string;
  camera_label?: string;
  /** Spread of the camera's frame intervals measured on the page (ms) and how many intervals. */
  camera_frame_interval_sd_ms?: number;
  camera_frame_intervals?: number;
  hardware_concurrency?: number;
  device_memory?: number;
}

export interface DeviceFactor { factor: 'automation' | 'headless' | 'emulator' | 'virtual_camera' | 'timezone_mismatch' | 'language_mismatch'; weight: number; evidence: string }

interface DeviceSignals {
  browser: { type: string | null; version: string | null; language: string | null; user_agent: string | null; timezone: string | null };
  device: { category: string; type: string | null; os: string | null; cpu_cores: number | null; memory: number | null; gpu: string | null };
  factors: DeviceFactor[];
  /** 1 − Π(1 − weight) over factors, 0–1. */
  device_risk: number;
}

/** Each factor's weight in device_risk (same scale and reasoning as policy.ts RISK_WEIGHTS). */
const W = { automation: 0.8, headless: 0.7, virtual_camera: 0.6, emulator: 0.5, timezone_mismatch: 0.2, language_mismatch: 0.1 } as const;

/** Software renderers and VM GPUs that real phones never report. */
const EMULATOR_GPU = /SwiftShader|llvmpipe|Android Emulator|VirtualBox|VMware|Parallels|Microsoft Basic Render/i;
/**
 * A physical camera's frame intervals jitter by at least ~1 ms (exposure, USB scheduling; Chrome
 * timestamps at 0.1 ms resolution); a file or synthetic source played at an exact rate stays
 * below 0.2 ms. Needs 30 intervals (one second at 30 fps) to be meaningful.
 */
const PERFECT_FRAME_SD_MS = 0.2;
const MIN_INTERVALS = 30;

export function deviceSignals(c: DeviceClaims, ip: { country_code: string | null; timezone: string | null }, at: Date): DeviceSignals {
  const ua = new UAParser(c.user_agent ?? '').getResult();
  const factors: DeviceFactor[] = [];
  const add = (factor: DeviceFactor['factor'], evidence: string) => factors.push({ factor, weight: W[factor], evidence });

  if (c.webdriver === true) add('automation', 'navigator.webdriver is true');
  if (/HeadlessChrome|PhantomJS|\bHeadless\b/i.test(c.user_agent ?? '')) add('headless', 'the user agent names a headless browser');
  const mobileUa = ua.device.type === 'mobile' || ua.device.type === 'tablet';
  if (c.gpu && EMULATOR_GPU.test(c.gpu)) add('emulator', `software/virtual GPU: ${c.gpu.slice(0, 80)}`);
  else if (mobileUa && /^(Win32|MacIntel|Linux x86_64)$/.test(c.platform ?? '')) add('emulator', `a mobile user agent on a ${c.platform} platform`);
  else if (mobileUa && c.touch === false) add('emulator', 'a mobile user agent without a touch screen');
  const label = c.camera_label ?? '';
  if (label && namesFileOrPath(label)) add('virtual_camera', 'the camera label names a file');
  else if (label && namesVirtualCamera(label)) add('virtual_camera', 'the camera label names a virtual-camera driver');
  else if (c.camera_frame_interval_sd_ms !== undefined && (c.camera_frame_intervals ?? 0) >= MIN_INTERVALS && c.camera_frame_interval_sd_ms < PERFECT_FRAME_SD_MS) {
    add('virtual_camera', `frame intervals too regular for a physical camera (sd ${c.camera_frame_interval_sd_ms} ms)`);
  }
  const tz = timezoneMismatch(c.timezone, ip, at);
  if (tz) add('timezone_mismatch', tz);
  const lang = languageMismatch(c.languages?.length ? c.languages : c.language ? [c.language] : [], ip.country_code);
  if (lang) add('language_mismatch', lang);

  const keep = factors.reduce((p, f) => p * (1 - f.weight), 1);
  return {
    browser: { type: ua.browser.name ?? null, version: ua.browser.version ?? null, language: c.language ?? null, user_agent: c.user_agent ?? null, timezone: c.timezone ?? null },
    device: {
      // ua-parser leaves device.type undefined for desktops.
      category: ua.device.type ?? (c.user_agent ? 'desktop' : 'unknown'),
      type: ua.device.model ?? null,
      os: ua.os.name ? `${ua.os.name}${ua.os.version ? ` ${ua.os.version}` : ''}` : null,
      cpu_cores: c.hardware_concurrency ?? null,
      memory: c.device_memory ?? null,
      gpu: c.gpu ?? null,
    },
    factors,
    device_risk: Math.round((1 - keep) * 1e4) / 1e4,
  };
}

/**
 * The device's zone against the IP's: a mismatch is a different UTC offset now AND the device's
 * zone not used in the IP's country (a traveller's phone may keep home time; a country with
 * several zones — US, RU, AU — must not flag a neighbour zone). Unknown on either side → no flag.
 */
export function timezoneMismatch(deviceTz: string | undefined, ip: { country_code: string | null; timezone: string | null }, at: Date): string | null {
  if (!deviceTz || !ip.timezone) return null;
  const a = utcOffsetMinutes(deviceTz, at);
  const b = utcOffsetMinutes(ip.timezone, at);
  if (a === null || b === null || a === b) return null;
  const countries = ct.getTimezone(deviceTz)?.countries ?? [];
  if (ip.country_code && (countries as readonly string[]).includes(ip.country_code)) return null;
  return `device zone ${deviceTz} (UTC${fmt(a)}) vs IP zone ${ip.timezone} (UTC${fmt(b)})`;
}

const fmt = (m: number) => `${m < 0 ? '-' : '+'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`;

/**
 * Languages carrying a region (en-US, pt-BR) none of which is the IP's country. Weak (expats,
 * English UIs everywhere), so only when every listed language has a region and none matches.
 */
export function languageMismatch(langs: readonly string[], country: string | null): string | null {
  if (!country || !langs.length) return null;
  const regions = langs.map((l) => /^[a-z]{2,3}[-_]([A-Z]{2})\b/i.exec(l)?.[1]?.toUpperCase());
  if (regions.some((r) => r === undefined)) return null;
  if (regions.includes(country)) return null;
  return `browser languages ${langs.slice(0, 3).join(', ')} name no region matching the IP's country ${country}`;
}
