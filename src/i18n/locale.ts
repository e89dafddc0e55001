/** Chooses the catalogue for one request: `ui_locales`, then Accept-Language, then English. */
import type { Context } from 'koa';
import { DEFAULT_LOCALE, fromUiLocales, LOCALES } from './catalogues.js';

export function localeFor(ctx: Context, uiLocales?: unknown): string {
  const requested = fromUiLocales(uiLocales);
  if (requested) return requested;
  if (!ctx.get('Accept-Language')) return DEFAULT_LOCALE;
  const accepted = ctx.acceptsLanguages(LOCALES);
  return typeof accepted === 'string' ? accepted : DEFAULT_LOCALE;
}
