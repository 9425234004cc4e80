/**
 * Delays before each retry: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then 8 h three times —
 * about 32 h in all, so even with the most negative jitter (-20 %) a receiver gets more than 24 h to
 * recover before an event is marked dead (it stays replayable).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
  28_800_000,
];

export interface Backoff {
  /** Delay before attempt `failedAttempts + 1`, or undefined when the event is dead. */
  delayAfter(failedAttempts: number): number | undefined;
}

/** Spreads retries of many receivers failing together: each delay is scaled by 0.8–1.2. */
export function jitteredBackoff(
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS,
  random: () => number = Math.random,
): Backoff {
  return {
    delayAfter(failedAttempts) {
      const base = schedule[failedAttempts - 1];
      if (base === undefined) return undefined;
      return Math.round(base * (0.8 + 0.4 * random()));
    },
  };
}
