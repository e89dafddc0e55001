/**
 * Seconds elapsed, for the latency histograms. Apart from registry.ts so that
 * the modules that time calls whether metrics are on or not (the store's and
 * the rate limiter's callers) never load prom-client: they import this and a
 * type only.
 */

/** Seconds since `start`, a performance.now() reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
