/**
 * Open registration is rate-limited per client IP: a counter in the shared
 * store (so the limit holds across instances) whose window starts with the
 * address's first registration and lasts the configured time. Every request
 * oidc-provider's router sends to the registration endpoint counts, however
 * its path is spelled (`/REG`, `/reg/`: see route-matcher.ts). The client IP
 * is Koa's ctx.ip, read as TRUST_PROXY says (web/client-address.ts).
 */
import type { Context, Next } from 'koa';
import type { RateLimit } from '../config/registration.js';
import { log } from '../log.js';
import { outageBody, STORE_OUTAGE } from '../storage/outage.js';
import { StoreUnavailableError, type Store } from '../storage/store.js';
import type { RouteMatcher } from './route-matcher.js';

export function registrationRateLimit(store: Store, limit: RateLimit, routes: RouteMatcher) {
  const windowMs = limit.windowSeconds * 1000;
  return async (ctx: Context, next: Next): Promise<void> => {
    if (routes.routeOf(ctx) !== 'registration') return next();
    let count: number;
    try {
      count = await store.increment(`ratelimit:registration:${ctx.ip}`, windowMs);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      ctx.status = STORE_OUTAGE.status;
      ctx.body = outageBody();
      return;
    }
    if (count <= limit.max) return next();
    if (count === limit.max + 1)
      log.warn('registration rate limit reached', { ip: ctx.ip, max: limit.max, windowSeconds: limit.windowSeconds });
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
