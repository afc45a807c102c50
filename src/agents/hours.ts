import type { WorkingHours } from '../projects/settings.ts';

// Working hours of a project's agents, in the project's time zone (settings.agent_working_hours).

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Weekday and minutes since midnight at `at` in `timeZone` (Intl does the zone rules and DST). */
function localTime(at: Date, timeZone: string): { day: (typeof DAYS)[number]; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as (typeof DAYS)[number];
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** null hours: always open. A range `[from, to)`; a range with to ≤ from runs past midnight. */
export function isOpen(hours: WorkingHours | null, at: Date): boolean {
  if (!hours) return true;
  const { day, minutes } = localTime(at, hours.timezone);
  const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7]!;
  const inRange = (from: number, to: number, m: number) => (to > from ? m >= from && m < to : m >= from || m < to);
  if ((hours.days[day] ?? []).some(([f, t]) => { const from = toMinutes(f), to = toMinutes(t); return to > from ? inRange(from, to, minutes) : minutes >= from; })) return true;
  // Yesterday's overnight range reaching into today.
  return (hours.days[yesterday] ?? []).some(([f, t]) => toMinutes(t) <= toMinutes(f) && minutes < toMinutes(t));
}

/** The next opening within a week (minute resolution), for the user's "we open at …"; null if never. */
export function nextOpening(hours: WorkingHours | null, at: Date): string | null {
  if (!hours) return null;
  const start = Math.ceil(at.getTime() / 60_000) * 60_000;
  // 15-minute steps: opening times in the settings are whole minutes, the page shows hours.
  for (let t = start; t < start + 7 * 24 * 3600_000; t += 15 * 60_000) if (isOpen(hours, new Date(t))) return new Date(t).toISOString();
  return null;
}
