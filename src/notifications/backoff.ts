/**
 * Delay before the next try of a failed job: exponential in the number of attempts made, capped,
 * with "equal jitter" (half fixed, half random) so jobs that failed together do not retry together,
 * yet never retry sooner than half the nominal delay.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 30_000, maxMs: 60 * 60_000 };

export function backoffDelayMs(attempts: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  const half = exp / 2;
  return Math.round(half + random() * half);
}
