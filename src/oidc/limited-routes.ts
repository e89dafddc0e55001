/**
 * Which requests count against which per-client-address limit (RATE_LIMITS),
 * decided the way the router that serves them decides, so every spelling of a
 * path that reaches the handler is counted (`/AUTH`, `/token/`, `/Reg`…):
 *
 *   auth          oidc-provider's `authorization` route (GET/HEAD /auth; not
 *                 the resume at /auth/:uid, which follows a sign-in)
 *   token         its `token` route (POST /token; not revocation or introspection)
 *   session_end   its `end_session` and `end_session_confirm` routes
 *                 (/session/end, POST /session/end/confirm)
 *   registration  its `registration` route (POST /reg; not RFC 7592 management)
 *   device        its `device_authorization` route (POST /device/auth, RFC 8628)
 *   user_code     its `code_verification` route (GET and POST /device: the
 *                 user-code page; not the resume at /device/:uid, which follows
 *                 a sign-in)
 *   login         our POST /interaction/:uid/login, matched by @koa/router
 *                 itself with interaction/routes.ts's options (the defaults:
 *                 case-insensitive, one optional trailing slash)
 *
 * The provider's routes are matched by route-matcher.ts (its router's rules).
 * The address is ctx.ip, read as TRUST_PROXY says (web/client-address.ts),
 * IPv6 by its /64 (web/rate-limiter.ts). A limited request gets 429 with
 * Retry-After before any other work: the error page for a browser (/auth,
 * /session/end, a login form, the user-code page), JSON for a program (/token,
 * /reg, /device/auth, the login API). When the store cannot count, 503 temporarily_unavailable the same way:
 * fail closed, never let through uncounted.
 */
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { LimitName } from '../config/rate-limits.js';
import { wantsJson } from '../interaction/respond.js';
import { log } from '../log.js';
import { outageBody, STORE_OUTAGE } from '../storage/outage.js';
import { StoreUnavailableError } from '../storage/store-error.js';
import { clientKey, type RateLimiter, refuseTooMany } from '../web/rate-limiter.js';
import { renderPage } from '../web/render.js';
import { referenceId } from './pages.js';
import type { RouteMatcher } from './route-matcher.js';

/** oidc-provider's route names and the limit each counts against. */
export const PROVIDER_LIMITS: Readonly<Record<string, LimitName>> = {
  authorization: 'auth',
  token: 'token',
  end_session: 'session_end',
  end_session_confirm: 'session_end',
  registration: 'registration',
  device_authorization: 'device',
  code_verification: 'user_code',
};

/** The login route as interaction/routes.ts registers it. */
export const INTERACTION_LOGIN_PATH = '/interaction/:uid/login';

/** Limits whose callers are people in a browser: they get a page unless they ask for JSON. */
const FOR_PEOPLE = new Set<LimitName>(['auth', 'session_end', 'login', 'user_code']);

export function limitedRoutes(limiter: RateLimiter, routes: RouteMatcher): Middleware {
  // Never dispatched: only asked which requests it would route (its own match, as its routes() does).
  const interaction = new Router();
  interaction.post(INTERACTION_LOGIN_PATH, () => undefined);

  const limitOf = (ctx: Context): LimitName | undefined => {
    const provider = routes.routeOf(ctx);
    if (provider !== undefined) return PROVIDER_LIMITS[provider];
    return interaction.match(ctx.path, ctx.method).route ? 'login' : undefined;
  };

  return async (ctx: Context, next: Next): Promise<void> => {
    const name = limitOf(ctx);
    if (name === undefined || limiter.limit(name) === null) return next();
    const page = FOR_PEOPLE.has(name) && !wantsJson(ctx);
    let verdict: Awaited<ReturnType<RateLimiter['hit']>>;
    try {
      verdict = await limiter.hit(name, clientKey(ctx.ip));
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      await refuseUnavailable(ctx, page, error);
      return;
    }
    if (verdict === undefined || verdict.allowed) return next();
    await refuseTooMany(ctx, name, verdict, page);
  };
}

const OUTAGE_LOG_INTERVAL_MS = 10_000;
let lastOutageLog = 0;

/** 503 temporarily_unavailable: the error page, or the JSON every store outage gets. */
async function refuseUnavailable(ctx: Context, page: boolean, error: StoreUnavailableError): Promise<void> {
  const reference = referenceId();
  const now = Date.now();
  if (now - lastOutageLog >= OUTAGE_LOG_INTERVAL_MS) {
    // At most one line every ten seconds: an outage under load would otherwise log every request.
    lastOutageLog = now;
    log.error('rate limits cannot count: limited routes answer 503', { reference, path: ctx.path, error: error.message });
  }
  if (page) {
    const body = outageBody();
    await renderPage(
      ctx,
      'error',
      { error: body.error, description: body.error_description, reference, uiLocales: ctx.query.ui_locales },
      STORE_OUTAGE.status,
    );
    return;
  }
  ctx.status = STORE_OUTAGE.status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = outageBody();
}
