/**
 * One browser's cookies for one origin: Set-Cookie in, Cookie out, honouring
 * Path and deletion (Max-Age<=0 or Expires in the past). Enough for oidc-provider.
 */
interface Cookie {
  value: string;
  path: string;
}

export class CookieJar {
  readonly #cookies = new Map<string, Cookie>();

  store(setCookie: string[] | undefined, requestPath: string): void {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = requestPath.slice(0, requestPath.lastIndexOf('/') + 1) || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', raw = ''] = attribute.split('=', 2).map((part) => part.trim());
        const lower = key.toLowerCase();
        if (lower === 'path') path = raw;
        else if (lower === 'max-age') expired ||= Number(raw) <= 0;
        else if (lower === 'expires') expired ||= Date.parse(raw) <= Date.now();
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { value, path });
    }
  }

  header(requestPath: string): string | undefined {
    const pairs: string[] = [];
    for (const [key, cookie] of this.#cookies) {
      const matches =
        requestPath === cookie.path ||
        (requestPath.startsWith(cookie.path) && (cookie.path.endsWith('/') || requestPath[cookie.path.length] === '/'));
      if (matches) pairs.push(`${key.slice(0, key.indexOf(';'))}=${cookie.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}
