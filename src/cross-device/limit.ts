/**
 * RATE_LIMITS' `cross_device` (default 60 a minute per client address): every
 * cross-device request counts, the desktop's (a QR code, a waiting connection)
 * and the phone's (its page, its message, its signature). Over the limit: 429
 * with Retry-After, as a page or JSON (interaction/error-responses.ts). When
 * the store cannot count: 503, never let through uncounted.
 */
import type { Context, Next } from 'koa';
import { Problem } from '../web/problem.js';
import { clientKey, type RateLimiter, refusalDescription, TOO_MANY_REQUESTS } from '../web/rate-limiter.js';

export function limitCrossDevice(limiter: RateLimiter | undefined) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const verdict = await limiter?.hit('cross_device', clientKey(ctx.ip));
    if (verdict && !verdict.allowed) {
      ctx.set('Retry-After', String(verdict.retryAfter));
      throw new Problem(TOO_MANY_REQUESTS, refusalDescription('cross_device', verdict), 429);
    }
    await next();
  };
}
