/**
 * Every URL the server publishes or accepts derives from ISSUER alone. Koa
 * reads a request's origin from the Host header (and, with app.proxy, from
 * X-Forwarded-Proto / -Host), and oidc-provider builds discovery, endpoint
 * URLs and the audience it accepts in client assertions from ctx.href. So the
 * app's request prototype (Koa's documented app.request) answers protocol,
 * host, href and URL from the issuer, whatever the request says, for every
 * context the app creates, oidc-provider's internal ones included. With an
 * https issuer every request is secure, so cookies are marked Secure.
 */
import type Koa from 'koa';

const ABSOLUTE = /^https?:\/\//i;
const MEMO = Symbol('pinnedURL');

/** The path and query of a request target, an absolute-form one (`GET http://host/path`) included. */
function pathAndQuery(originalUrl: string): string {
  if (!ABSOLUTE.test(originalUrl)) return originalUrl;
  try {
    const url = new URL(originalUrl);
    return `${url.pathname}${url.search}`;
  } catch {
    return '/';
  }
}

export function pinOrigin(app: Koa, issuer: string): void {
  const { protocol, host, origin } = new URL(issuer);
  const scheme = protocol.slice(0, -1);
  type Request = Koa.Request & { [MEMO]?: URL };
  Object.defineProperties(app.request, {
    protocol: { configurable: true, get: () => scheme },
    host: { configurable: true, get: () => host },
    href: {
      configurable: true,
      get(this: Request) {
        return `${origin}${pathAndQuery(this.originalUrl ?? '')}`;
      },
    },
    URL: {
      configurable: true,
      get(this: Request) {
        if (this[MEMO] === undefined) {
          try {
            this[MEMO] = new URL(this.href);
          } catch {
            // As Koa does for a target it cannot parse.
            return Object.create(null) as URL;
          }
        }
        return this[MEMO];
      },
    },
  });
}
