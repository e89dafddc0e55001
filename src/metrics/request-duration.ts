/**
 * siwe_idp_http_request_duration_seconds{route,method,status_class}: every
 * request's time, from the first middleware (app.ts puts this one first, only
 * when METRICS_PORT is set) until the application's answer is ready.
 *
 * `route` is a name, never the path (an interaction's path holds its uid):
 *
 *   - oidc-provider's route name (ctx.oidc.route: `authorization`, `resume`,
 *     `token`, `userinfo`, `jwks`, `discovery`, `end_session`, `registration`, ...);
 *     for a request refused before the provider routed it (a 429 of the abuse
 *     limits), the route its router would have chosen (oidc/route-matcher.ts);
 *   - ours: the sign-in routes `page` (GET /interaction/:uid), `message`, `logo`,
 *     `ens`, `login`, `confirm`, `abort`, the cross-device ones (`cross_device`,
 *     `cross_device_events`, `cross_device_finish`, and the phone's `sign_page`,
 *     `sign_message`, `sign`), matched as @koa/router matches them; `healthz`,
 *     `readyz`; `static` (/static/...);
 *   - `other` for anything else (unknown paths, 404s).
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { providerRoutes } from '../oidc/route-matcher.js';
import { secondsSince } from './elapsed.js';
import type { Metrics } from './registry.js';

/** Our sign-in routes (interaction/routes.ts, cross-device/cross-device-routes.ts) and the name each is counted under. */
const INTERACTION_ROUTES: ReadonlyArray<readonly [name: string, method: 'get' | 'post', path: string]> = [
  ['page', 'get', '/interaction/:uid'],
  ['message', 'get', '/interaction/:uid/message'],
  ['logo', 'get', '/interaction/:uid/logo'],
  ['login', 'post', '/interaction/:uid/login'],
  ['confirm', 'post', '/interaction/:uid/confirm'],
  ['abort', 'post', '/interaction/:uid/abort'],
  ['ens', 'get', '/interaction/:uid/ens'],
  ['cross_device', 'post', '/interaction/:uid/cross-device'],
  ['cross_device_events', 'get', '/interaction/:uid/cross-device/events'],
  ['cross_device_finish', 'post', '/interaction/:uid/cross-device/finish'],
  ['sign_page', 'get', '/sign/:handle'],
  ['sign_message', 'get', '/sign/:handle/message'],
  ['sign', 'post', '/sign/:handle'],
];

const INTERACTION_PREFIX = /^\/(interaction|sign)\//i;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

/** The route namer for `provider`'s routes and ours. */
export function routeNamer(provider: Provider): (ctx: Context) => string {
  const routes = providerRoutes(provider);
  // Never dispatched: only asked which route a request would go to (as limited-routes.ts does).
  const interaction = new Router();
  for (const [name, method, path] of INTERACTION_ROUTES) interaction[method](name, path, () => undefined);
  return (ctx) => {
    const oidcRoute = (ctx.oidc as { route?: unknown } | undefined)?.route;
    if (typeof oidcRoute === 'string') return oidcRoute;
    const providerRoute = routes.routeOf(ctx);
    if (providerRoute !== undefined) return providerRoute;
    const path = ctx.path;
    if (INTERACTION_PREFIX.test(path)) {
      const layers = interaction.match(path, ctx.method).pathAndMethod;
      const layer = layers[layers.length - 1];
      return typeof layer?.name === 'string' ? layer.name : 'other';
    }
    if (path === '/healthz' || path === '/readyz') return path.slice(1);
    if (path.startsWith('/static/')) return 'static';
    return 'other';
  };
}

function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/** The middleware; first of all, so that the whole answer is timed. */
export function requestDuration(provider: Provider, metrics: Metrics) {
  const routeOf = routeNamer(provider);
  return async function timeRequest(ctx: Context, next: Next): Promise<void> {
    const start = performance.now();
    let status: number | undefined;
    try {
      await next();
      status = ctx.status;
    } catch (error) {
      // What Koa's error handler will answer (an error without an HTTP status is a 500).
      const { status: raw, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
      const code = typeof raw === 'number' ? raw : statusCode;
      status = typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
      throw error;
    } finally {
      metrics.httpRequest(routeOf(ctx), METHODS.has(ctx.method) ? ctx.method : 'other', statusClass(status ?? 500), secondsSince(start));
    }
  };
}
