/**
 * Checks a time-to-live in milliseconds. `undefined` means "never expires".
 * Zero or negative values are refused: keyv would silently treat 0 as "never".
 */
export function checkTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) {
    return undefined;
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttl must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

/** Like checkTtl, but `Infinity` is allowed and means "never expires". */
export function checkSetTtl(ttlMs: number): number | undefined {
  return ttlMs === Number.POSITIVE_INFINITY ? undefined : checkTtl(ttlMs);
}
