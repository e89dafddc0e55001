/**
 * HTTP Strict Transport Security (RFC 6797) when the issuer is https: every
 * response, errors included, tells browsers to use https only, for two years,
 * on the issuer's host and its subdomains.
 */
import type { Context, Next } from 'koa';

export const HSTS = 'max-age=63072000; includeSubDomains';

export function hsts(issuer: string) {
  const secure = new URL(issuer).protocol === 'https:';
  // An http issuer (development): nothing to add, and no await on every request's way.
  if (!secure) return (_ctx: Context, next: Next): Promise<void> => next();
  return async (ctx: Context, next: Next): Promise<void> => {
    ctx.set('Strict-Transport-Security', HSTS);
    try {
      await next();
    } catch (error) {
      // Koa's error response drops the headers set so far and sets error.headers instead.
      if (error !== null && typeof error === 'object') {
        const withHeaders = error as { headers?: Record<string, string> };
        withHeaders.headers = { ...withHeaders.headers, 'Strict-Transport-Security': HSTS };
      }
      throw error;
    }
  };
}
