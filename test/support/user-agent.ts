/**
 * A user agent for tests: fetch with a cookie jar that keeps each host's
 * cookies apart and honours their paths, as a browser would for the provider
 * (http://localhost:…) and a relying party (http://127.0.0.1:…) side by side.
 * Redirects are not followed: the caller sees every hop.
 */

interface Cookie {
  host: string;
  path: string;
  name: string;
  value: string;
}

function parseSetCookie(header: string, url: URL): Cookie | 'delete' | undefined {
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  const eq = pair?.indexOf('=') ?? -1;
  if (!pair || eq <= 0) return undefined;
  const cookie: Cookie = { host: url.hostname, path: '/', name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=');
    const name = key.toLowerCase();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    if (name === 'max-age' && Number(value) <= 0) return 'delete';
    if (name === 'expires' && Date.parse(value) <= Date.now()) return 'delete';
  }
  return cookie;
}

export class UserAgent {
  readonly #cookies: Cookie[] = [];

  #remember(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const parsed = parseSetCookie(header, url);
      if (parsed === undefined) continue;
      const name = header.slice(0, header.indexOf('='));
      const path = parsed === 'delete' ? (/;\s*path=([^;]+)/i.exec(header)?.[1] ?? '/') : parsed.path;
      const index = this.#cookies.findIndex((cookie) => cookie.host === url.hostname && cookie.name === name && cookie.path === path);
      if (index >= 0) this.#cookies.splice(index, 1);
      if (parsed !== 'delete') this.#cookies.push(parsed);
    }
  }

  cookieHeader(url: URL): string {
    return this.#cookies
      .filter(
        (cookie) =>
          cookie.host === url.hostname &&
          (url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)),
      )
      .sort((first, second) => second.path.length - first.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** The value of a cookie this agent holds for a host (any path). */
  cookie(host: string, name: string): string | undefined {
    return this.#cookies.find((cookie) => cookie.host === host && cookie.name === name)?.value;
  }

  async request(
    target: string | URL,
    init: { method?: string; form?: URLSearchParams | Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(target);
    const headers = new Headers(init.headers);
    const cookies = this.cookieHeader(url);
    if (cookies) headers.set('cookie', cookies);
    let body: string | undefined;
    if (init.form !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
    this.#remember(url, response);
    return response;
  }
}
