/**
 * Open registration is rate-limited per client IP: a counter in the shared
 * store (so the limit holds across instances) whose window starts with the
 * address's first registration and lasts the configured time. The client IP
 * is Koa's ctx.ip: the X-Forwarded-For client when TRUST_PROXY is on.
 */
import type { Context, Next } from 'koa';
import type { RateLimit } from '../config/federation.js';
import { log } from '../log.js';
import { StoreUnavailableError, type Store } from '../storage/store.js';

export function registrationRateLimit(store: Store, limit: RateLimit, registrationPath = '/reg') {
  const windowMs = limit.windowSeconds * 1000;
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'POST' || ctx.path !== registrationPath) return next();
    let count: number;
    try {
      count = await store.increment(`ratelimit:registration:${ctx.ip}`, windowMs);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      ctx.status = 503;
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the registration service cannot reach its store; try again in a moment' };
      return;
    }
    if (count <= limit.max) return next();
    if (count === limit.max + 1) log.warn('registration rate limit reached', { ip: ctx.ip, max: limit.max, windowSeconds: limit.windowSeconds });
    ctx.status = 429;
    // The window started at this address's first registration; its length bounds the wait.
    ctx.set('Retry-After', String(limit.windowSeconds));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      error: 'too_many_requests',
      error_description: `at most ${limit.max} registrations per ${limit.windowSeconds} seconds from one address; try again later`,
    };
  };
}
