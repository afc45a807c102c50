import { UAParser } from 'ua-parser-js';
import { greatCircleKm, utcOffsetMinutes } from './geo-math.ts';

// Signals comparing this session with the one that referred it (the same person's earlier session,
// e.g. sign-up → step-up): could one person have been at both places, on the same device?

/**
 * 900 km/h: a commercial jet's cruising speed, the fastest a person plausibly travels between two
 * sessions. Distances under 200 km never count: city-level IP geolocation (DB-IP Lite) is commonly
 * off by tens of km and by 100+ km for mobile carriers, and two lookups add their errors.
 */
export const MAX_TRAVEL_KMH = 900;
const MIN_TRAVEL_KM = 200;

export interface SessionSide {
  ip: string | null;
  latitude: number | null;
  longitude: number | null;
  user_agent: string | null;
  device_timezone: string | null;
  /** When the device reported its signals (client info received), else the session's creation. */
  at: Date;
}

export interface ReferringSignals {
  impossible_travel: 0 | 1;
  ip_mismatch: 0 | 1;
  user_agent_mismatch: 0 | 1;
  device_timezone_mismatch: 0 | 1;
  travel: { km: number; hours: number; kmh: number | null } | null;
}

export function referringSignals(now: SessionSide, ref: SessionSide): ReferringSignals {
  let travel: ReferringSignals['travel'] = null;
  let impossible = false;
  if (now.latitude !== null && now.longitude !== null && ref.latitude !== null && ref.longitude !== null) {
    const km = greatCircleKm({ lat: now.latitude, lon: now.longitude }, { lat: ref.latitude, lon: ref.longitude });
    const hours = Math.abs(now.at.getTime() - ref.at.getTime()) / 3_600_000;
    const kmh = hours > 0 ? km / hours : null;
    impossible = km >= MIN_TRAVEL_KM && (kmh === null || kmh > MAX_TRAVEL_KMH);
    travel = { km: Math.round(km), hours: Math.round(hours * 1000) / 1000, kmh: kmh === null ? null : Math.round(kmh) };
  }
  return {
    impossible_travel: impossible ? 1 : 0,
    ip_mismatch: now.ip && ref.ip && now.ip !== ref.ip ? 1 : 0,
    user_agent_mismatch: uaMismatch(now.user_agent, ref.user_agent) ? 1 : 0,
    device_timezone_mismatch: tzMismatch(now.device_timezone, ref.device_timezone, now.at) ? 1 : 0,
    travel,
  };
}

/**
 * Another browser, OS or device class. Versions are not compared: browsers update themselves
 * between two sessions of the same person.
 */
function uaMismatch(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const key = (ua: string) => {
    const r = new UAParser(ua).getResult();
    return [r.browser.name ?? '', r.os.name ?? '', r.device.type ?? 'desktop'].join('|');
  };
  return key(a) !== key(b);
}

/** Different zones that also differ in UTC offset (Europe/Berlin vs Europe/Paris is one device setting apart, not two places). */
function tzMismatch(a: string | null, b: string | null, at: Date): boolean {
  if (!a || !b || a === b) return false;
  return utcOffsetMinutes(a, at) !== utcOffsetMinutes(b, at);
}
