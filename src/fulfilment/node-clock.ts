/** Node-local calendar helpers (capacity is counted per node-local day, cut-offs are local times). */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const partFormatters = new Map<string, Intl.DateTimeFormat | null>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    const options = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, ...options });
    } catch {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', ...options });
    }
    dayFormatters.set(timeZone, f);
  }
  return f;
}

function partFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = partFormatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      f = null;
    }
    partFormatters.set(timeZone, f);
  }
  return f;
}

/** Minutes the zone is ahead of UTC at `at` (e.g. -300 for New York in winter). */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const f = partFormatter(timeZone);
  if (!f) return 0;
  const parts = f.formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** A zone's wall clock during one UTC minute. */
export interface ZoneClock {
  /** The UTC minute (ms since epoch / 60,000) this holds for. */
  minute: number;
  /** YYYY-MM-DD, local. */
  day: string;
  /** Minutes since local midnight. */
  minuteOfDay: number;
  /** How far the zone is ahead of UTC, in minutes. */
  offset: number;
}

const clocks = new Map<string, ZoneClock>();

/**
 * The local day, minute of day and UTC offset of a zone at `at`, computed once per zone per UTC
 * minute: every order and every fulfilment option asks for them, and Intl formatting costs
 * microseconds per call. Other minutes (tests, an options `at`) are computed the same way.
 */
export function clockAt(timeZone: string, at: Date): ZoneClock {
  const minute = Math.floor(at.getTime() / 60_000);
  const hit = clocks.get(timeZone);
  if (hit && hit.minute === minute) return hit;
  const offset = utcOffsetMinutes(timeZone, at);
  const clock: ZoneClock = {
    minute,
    day: dayFormatter(timeZone).format(at),
    minuteOfDay: (((minute + offset) % 1440) + 1440) % 1440,
    offset,
  };
  clocks.set(timeZone, clock);
  return clock;
}

/** YYYY-MM-DD of `at` in the node's time zone. */
export function localDay(timeZone: string, at: Date): string {
  return clockAt(timeZone, at).day;
}
