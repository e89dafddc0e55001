/**
 * The catalogues present and how one is chosen: the OpenID Connect `ui_locales`
 * parameter first (the relying party's word for the person's languages, in
 * order), then the browser's Accept-Language, then English.
 * To add a language: copy en.ts to <tag>.ts, translate, and list it below.
 */
import { de } from './de.js';
import { en, type Catalogue } from './en.js';

export type { Catalogue } from './en.js';

export const CATALOGUES: Readonly<Record<string, Catalogue>> = { en, de };
export const DEFAULT_LOCALE = 'en';
export const LOCALES = Object.keys(CATALOGUES);

/** The catalogue for a BCP 47 tag: an exact match, else its primary language (`de-CH` → `de`). */
export function matchLocale(tag: string): string | undefined {
  const lower = tag.trim().toLowerCase();
  if (!lower) return undefined;
  return LOCALES.find((locale) => locale === lower) ?? LOCALES.find((locale) => locale === lower.split('-')[0]);
}

/** The first of the space-separated `ui_locales` that we have, or undefined. */
export function fromUiLocales(uiLocales: unknown): string | undefined {
  if (typeof uiLocales !== 'string') return undefined;
  for (const tag of uiLocales.split(' ')) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** Fills `{name}` placeholders; unknown names become empty. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

type Group = keyof Catalogue;
export type TextKey = { [G in Group]: `${G}.${keyof Catalogue[G] & string}` }[Group];

export interface Translator {
  lang: string;
  texts: Catalogue;
  t(key: TextKey, values?: Record<string, string | number>): string;
}

export function translator(locale: string): Translator {
  const texts = CATALOGUES[locale] ?? en;
  return {
    lang: CATALOGUES[locale] ? locale : DEFAULT_LOCALE,
    texts,
    t(key, values) {
      const [group, name] = key.split('.') as [Group, string];
      const template = (texts[group] as Record<string, string>)[name] ?? (en[group] as Record<string, string>)[name] ?? key;
      return fill(template, values);
    },
  };
}
