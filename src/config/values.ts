/** Environment values: the parsing every setting shares. */

/** An environment value: trimmed, with unset and blank both meaning "not given". */
export function optional(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** One of `choices` (case-insensitive), the fallback when not given; anything else is a problem. */
export function parseChoice<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = optional(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return fallback;
}

/** A whole number from `min` to `max`; anything else is a problem naming the setting (and `min` is returned). */
export function parseInteger(name: string, raw: string, min: number, max: number, problems: string[]): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return min;
  }
  return Number(raw);
}
