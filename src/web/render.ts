/**
 * Renders an ejs view from views/ as a full page with strict security headers:
 * scripts and styles only from us, no framing, no inline code.
 */
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Context } from 'koa';

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setPageHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
}

export async function renderPage(ctx: Context, view: string, locals: Record<string, unknown>, status = 200): Promise<void> {
  const html = await ejs.renderFile(`${VIEWS_DIR}${view}.ejs`, locals, {
    cache: process.env.NODE_ENV === 'production',
    async: true,
  });
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.status = status;
  ctx.body = html;
}
