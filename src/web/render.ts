/**
 * Renders an ejs view from views/ as a full page with strict security headers:
 * scripts and styles only from us, no framing, no inline code, and in the
 * language chosen for the request (see i18n/).
 */
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Context } from 'koa';
import { translator } from '../i18n/catalogues.js';
import { localeFor } from '../i18n/locale.js';

let cacheTemplates = false;

/** Compiled templates are kept in production; in development an edited view shows on the next request. */
export function cacheViews(on: boolean): void {
  cacheTemplates = on;
}

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export function setPageHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
}

/** JSON for a `<script type="application/json">` block: `<` escaped, so no text can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Renders `views/<view>.ejs`. Every view gets `lang`, `t(key, values)`, `texts` (the chosen
 * catalogue) and `json(value)`; `locals.uiLocales` (the request's `ui_locales`) picks the language.
 */
export async function renderPage(ctx: Context, view: string, locals: Record<string, unknown>, status = 200): Promise<void> {
  const { lang, t, texts } = translator(localeFor(ctx, locals.uiLocales));
  const html = await ejs.renderFile(
    `${VIEWS_DIR}${view}.ejs`,
    { ...locals, lang, t, texts, json: scriptJson },
    {
      cache: cacheTemplates,
    },
  );
  setPageHeaders(ctx);
  ctx.set('Content-Language', lang);
  ctx.type = 'html';
  ctx.status = status;
  ctx.body = html;
}
