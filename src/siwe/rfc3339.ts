/** RFC 3339 date-times as EIP-4361 uses them, validated down to the calendar. */

/** The decimal value of `count` ASCII digits of `s` at `at`, or -1 if any is not a digit. */
export function digits(s: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = s.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 date-time (`2021-09-30T16:25:24.000Z`, `2021-09-30T16:25:24-02:00`; "T" and "Z" in either case as
 * the ABNF allows) into epoch milliseconds, or undefined when it is not one or names an impossible calendar date.
 * Fractions beyond milliseconds are truncated. A leap second (`:60`) is accepted only at 23:59 UTC.
 */
export function parseRfc3339(value: string): number | undefined {
  if (typeof value !== 'string' || value.length < 20) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 0 ||
    value[4] !== '-' ||
    month < 1 ||
    month > 12 ||
    value[7] !== '-' ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    (value[10] !== 'T' && value[10] !== 't') ||
    hour < 0 ||
    hour > 23 ||
    value[13] !== ':' ||
    minute < 0 ||
    minute > 59 ||
    value[16] !== ':' ||
    second < 0 ||
    second > 60
  ) {
    return undefined;
  }
  let i = 19;
  let millis = 0;
  if (value[i] === '.') {
    const start = ++i;
    while (digits(value, i, 1) >= 0) i++;
    if (i === start) return undefined;
    for (let k = start; k < start + 3; k++) millis = millis * 10 + (k < i ? digits(value, k, 1) : 0);
  }
  let offset = 0; // minutes east of UTC
  const zone = value[i];
  if (zone === 'Z' || zone === 'z') {
    i += 1;
  } else if (zone === '+' || zone === '-') {
    const offsetHour = digits(value, i + 1, 2);
    const offsetMinute = digits(value, i + 4, 2);
    if (offsetHour < 0 || offsetHour > 23 || value[i + 3] !== ':' || offsetMinute < 0 || offsetMinute > 59) {
      return undefined;
    }
    offset = (zone === '+' ? 1 : -1) * (offsetHour * 60 + offsetMinute);
    i += 6;
  } else {
    return undefined;
  }
  if (i !== value.length) return undefined;
  const utcMinuteOfDay = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
  if (second === 60 && utcMinuteOfDay !== 23 * 60 + 59) return undefined;
  // Date.UTC would read years 0-99 as 1900-1999; setUTCFullYear takes the year as given
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offset * 60_000;
}
