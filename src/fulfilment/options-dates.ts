import { localDay, utcOffsetMinutes } from './node-clock.ts';

/**
 * Calendar arithmetic for promises. Days are calendar days (no business-day calendar: carriers
 * and stores are taken to work every day); dates are the shipping node's local dates.
 */

const added = new Map<string, string>();

/** A YYYY-MM-DD day plus n days (memoised: a few days and offsets cover every promise made today). */
export function plusDays(day: string, n: number): string {
  const key = `${day}+${n}`;
  let out = added.get(key);
  if (out === undefined) {
    out = new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    if (added.size > 10_000) added.clear();
    added.set(key, out);
  }
  return out;
}

/** The node-local day of `at`. */
export function dayAt(timeZone: string, at: Date): string {
  return localDay(timeZone, at);
}

/** The instant of a local wall-clock time (minute of day) on a local day in a time zone. */
export function instantAt(timeZone: string, day: string, minuteOfDay: number): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + minuteOfDay * 60_000;
  // The zone's offset at the guessed instant, then once more: right across a DST change too.
  const first = wall - utcOffsetMinutes(timeZone, new Date(wall)) * 60_000;
  return new Date(wall - utcOffsetMinutes(timeZone, new Date(first)) * 60_000);
}
