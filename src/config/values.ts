/** An environment value: trimmed, with unset and blank both meaning "not given". */
export function optional(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}
