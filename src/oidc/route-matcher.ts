/**
 * Which oidc-provider route a request goes to, decided the way oidc-provider's
 * own router (lib/helpers/router.js, 9.x) decides it, so a check in front of
 * the provider (a rate limit) sees every spelling the provider serves:
 *
 *   - paths compare case-insensitively (upper-cased; a non-ASCII character is
 *     only folded when its upper case is a single non-ASCII character), so
 *     `/REG` is `/reg`;
 *   - one trailing slash is ignored when the exact path matches nothing
 *     (`/reg/`, not `/reg//`);
 *   - no percent-decoding of the path (`/%72eg` is not `/reg`), no dot segments,
 *     no merging of slashes; a `:param` segment matches any non-empty segment;
 *   - a GET route also answers HEAD; for one path and method the first route
 *     registered wins, and static paths win over parameterized ones.
 *
 * The path is Koa's `ctx.path` (an absolute-form request target is reduced to
 * its path, as for the router). test/oidc/route-matcher.test.ts checks
 * this against the running provider.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';

export interface RouteSpec {
  /** oidc-provider's route name (`registration`, `token`, `resume`, …). */
  name: string;
  method: string;
  /** As registered: `/reg`, `/reg/:clientId`. */
  path: string;
}

export interface RouteMatch {
  name: string;
  params: Record<string, string>;
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) if (value.charCodeAt(i) > 127) return false;
  return true;
}

/** oidc-provider's case folding: upper case, except where that would turn a non-ASCII character into ASCII or into several. */
export function fold(value: string): string {
  if (isAscii(value)) return value.toUpperCase();
  let out = '';
  for (const char of value) {
    const upper = char.toUpperCase();
    out += upper.length === 1 && !(char.codePointAt(0)! > 127 && upper.codePointAt(0)! < 128) ? upper : char;
  }
  return out;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface Dynamic {
  method: string;
  /** Folded literal segments; null for a parameter. */
  segments: Array<string | null>;
  keys: Array<string | null>;
  name: string;
  /** Registration order: the first registered of several matching routes wins. */
  order: number;
}

interface Known {
  method: string | undefined;
  url: string | undefined;
  name: string | undefined;
}

export class RouteMatcher {
  readonly #static = new Map<string, Map<string, string>>();
  /** Parameterized routes by method, segment count and folded first segment (see #bucket): a request is compared with few. */
  readonly #dynamic = new Map<string, Dynamic[]>();
  /**
   * Each request's route, found once (the limits, the sign-in hooks, metrics
   * and the device link all ask), kept on the request's context under this
   * matcher's own key with the raw method and URL it was found for.
   */
  readonly #known = Symbol('route');

  constructor(routes: readonly RouteSpec[]) {
    let order = 0;
    for (const route of routes) {
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      if (!route.path.includes('/:')) {
        const key = fold(route.path);
        const byMethod = this.#static.get(key) ?? new Map<string, string>();
        this.#static.set(key, byMethod);
        for (const method of methods) if (!byMethod.has(method)) byMethod.set(method, route.name);
        continue;
      }
      const raw = route.path.split('/');
      const segments = raw.map((segment) => (segment.startsWith(':') ? null : fold(segment)));
      const keys = raw.map((segment) => (segment.startsWith(':') ? segment.slice(1) : null));
      for (const method of methods) {
        const bucket = RouteMatcher.#bucket(method, segments.length, segments[1] ?? null);
        const list = this.#dynamic.get(bucket) ?? [];
        this.#dynamic.set(bucket, list);
        list.push({ method, segments, keys, name: route.name, order: order++ });
      }
    }
  }

  /** The route oidc-provider serves `method` `path` with, if any. */
  match(method: string, path: string): RouteMatch | undefined {
    const exact = this.#lookup(method, path);
    if (exact) return exact;
    if (path.length > 1 && path.endsWith('/')) return this.#lookup(method, path.slice(0, -1));
    return undefined;
  }

  /** The name of the route a Koa request goes to, if any (worked out once per request). */
  routeOf(ctx: { method: string; path: string; req: { method?: string; url?: string } }): string | undefined {
    const { req } = ctx;
    const held = ctx as unknown as Record<symbol, Known | undefined>;
    const known = held[this.#known];
    if (known !== undefined && known.url === req.url && known.method === req.method) return known.name;
    const name = this.match(ctx.method, ctx.path)?.name;
    held[this.#known] = { method: req.method, url: req.url, name };
    return name;
  }

  /**
   * `middleware` for the requests the router sends to one of `names`; every
   * other request goes straight on, without another await on its way.
   */
  only(names: readonly string[], middleware: Middleware): Middleware {
    const wanted = new Set(names);
    return (ctx, next) => (wanted.has(this.routeOf(ctx) ?? '') ? middleware(ctx, next) : next());
  }

  static #bucket(method: string, length: number, first: string | null): string {
    return `${method} ${length} ${first === null ? ':' : `/${first}`}`;
  }

  #lookup(method: string, path: string): RouteMatch | undefined {
    const folded = fold(path);
    const name = this.#static.get(folded)?.get(method);
    if (name !== undefined) return { name, params: {} };
    const parts = path.split('/');
    const foldedParts = folded.split('/');
    // Only routes with as many segments and this first segment, or (in a custom layout) a parameter first, in registration order.
    const literal = this.#dynamic.get(RouteMatcher.#bucket(method, parts.length, foldedParts[1] ?? null)) ?? [];
    const parameter = this.#dynamic.get(RouteMatcher.#bucket(method, parts.length, null));
    const candidates = parameter === undefined ? literal : [...literal, ...parameter].sort((a, b) => a.order - b.order);
    for (const candidate of candidates) {
      const params: Record<string, string> = {};
      const matched = candidate.segments.every((segment, i) => {
        if (segment !== null) return segment === foldedParts[i];
        if (!parts[i]) return false;
        params[candidate.keys[i]!] = decode(parts[i]!);
        return true;
      });
      if (matched) return { name: candidate.name, params };
    }
    return undefined;
  }
}

/**
 * oidc-provider's routes (lib/helpers/initialize_app.js), in its order of
 * registration: [name, methods, the route whose path is the base, suffix].
 * `authorization` and `end_session` also take POST with enableHttpPostMethods.
 */
const PROVIDER_ROUTES: ReadonlyArray<readonly [string, readonly string[], string, string]> = [
  ['authorization', ['GET'], 'authorization', ''],
  ['resume', ['GET'], 'authorization', '/:uid'],
  ['userinfo', ['GET', 'POST'], 'userinfo', ''],
  ['cors.userinfo', ['OPTIONS'], 'userinfo', ''],
  ['token', ['POST'], 'token', ''],
  ['cors.token', ['OPTIONS'], 'token', ''],
  ['jwks', ['GET'], 'jwks', ''],
  ['cors.jwks', ['OPTIONS'], 'jwks', ''],
  ['registration', ['POST'], 'registration', ''],
  ['client', ['GET'], 'registration', '/:clientId'],
  ['client_update', ['PUT'], 'registration', '/:clientId'],
  ['client_delete', ['DELETE'], 'registration', '/:clientId'],
  ['revocation', ['POST'], 'revocation', ''],
  ['cors.revocation', ['OPTIONS'], 'revocation', ''],
  ['introspection', ['POST'], 'introspection', ''],
  ['cors.introspection', ['OPTIONS'], 'introspection', ''],
  ['end_session_confirm', ['POST'], 'end_session_confirm', ''],
  ['end_session', ['GET'], 'end_session', ''],
  ['end_session_success', ['GET'], 'end_session_success', ''],
  ['device_authorization', ['POST'], 'device_authorization', ''],
  ['cors.device_authorization', ['OPTIONS'], 'device_authorization', ''],
  ['code_verification', ['GET', 'POST'], 'code_verification', ''],
  ['device_resume', ['GET'], 'code_verification', '/:uid'],
];

const DISCOVERY_PATHS = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

// On the provider itself, under a registered symbol: a module loaded twice (a test runner's loader) still finds it.
const MATCHER = Symbol.for('siwe-idp.provider-routes');

/**
 * The matcher for the routes `provider` has, at the paths it has them
 * (provider.pathFor; a route of a disabled feature is left out). One per
 * provider, so that every user of it (limits, sign-in hooks, metrics) shares
 * its per-request answer: createProvider, which knows the configuration,
 * builds it (registerProviderRoutes); the others look it up (providerRoutes).
 */
export function registerProviderRoutes(provider: Provider, options: { enableHttpPostMethods: boolean }): RouteMatcher {
  const matcher = buildMatcher(provider, options.enableHttpPostMethods);
  Object.defineProperty(provider, MATCHER, { value: matcher });
  return matcher;
}

/** The matcher createProvider registered for `provider`. */
export function providerRoutes(provider: Provider): RouteMatcher {
  const matcher = (provider as unknown as Record<symbol, RouteMatcher | undefined>)[MATCHER];
  if (matcher === undefined) throw new Error('providerRoutes: this provider was not made by createProvider');
  return matcher;
}

function buildMatcher(provider: Provider, enableHttpPostMethods: boolean): RouteMatcher {
  const pathOf = (name: string): string | undefined => {
    try {
      // Dummy parameters, so a parameterized route's path resolves too.
      return provider.pathFor(name, { uid: 'x', clientId: 'x' });
    } catch {
      return undefined;
    }
  };
  const routes: RouteSpec[] = [];
  for (const [name, methods, base, suffix] of PROVIDER_ROUTES) {
    const basePath = pathOf(base);
    if (basePath === undefined || pathOf(name) === undefined) continue;
    const all = enableHttpPostMethods && (name === 'authorization' || name === 'end_session') ? [...methods, 'POST'] : methods;
    for (const method of all) routes.push({ name, method, path: `${basePath}${suffix}` });
    if (name === 'cors.jwks' && pathOf('discovery') !== undefined) {
      for (const path of DISCOVERY_PATHS)
        routes.push({ name: 'discovery', method: 'GET', path }, { name: 'cors.discovery', method: 'OPTIONS', path });
    }
  }
  return new RouteMatcher(routes);
}
