/**
 * A router's middleware, asked only about the paths it can serve: every
 * other request goes straight on without the router matching it against each
 * of its routes. Paths compare as our routers compare them (@koa/router's
 * defaults: case-insensitive), with oidc-provider's own case folding
 * (route-matcher.ts), which never turns a non-ASCII character into ASCII.
 */
import type { Middleware } from 'koa';
import { fold } from '../oidc/route-matcher.js';

// biome-ignore lint/suspicious/noExplicitAny: a router's middleware wants its own context type; this only reads ctx.path.
export function underPrefixes<M extends Middleware<any, any>>(prefixes: readonly string[], middleware: M): M {
  const folded = prefixes.map(fold);
  const gated: Middleware = (ctx, next) => {
    const path = fold(ctx.path);
    return folded.some((prefix) => path.startsWith(prefix)) ? middleware(ctx, next) : next();
  };
  // What the router's middleware carries (@koa/router: its `router`) stays visible on the gated one.
  return Object.assign(gated, middleware) as M;
}
