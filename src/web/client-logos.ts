/**
 * The logos of the statically configured clients, fetched once by the server
 * (see fetch-logo.ts) and kept in memory, so a page shows a client's logo
 * without the browser ever contacting another origin. Only the operator's
 * own client list is fetched from: never a URL that arrives with a request.
 * A failure is remembered for a few minutes; the page then shows a monogram.
 */
import type { ClientMetadata } from 'oidc-provider';
import { log } from '../log.js';
import { fetchLogo, type Logo, type LogoLimits } from './fetch-logo.js';

export interface LogoOptions extends LogoLimits {
  /** How long a fetched logo is kept before it is fetched again. */
  keepMs: number;
  /** How long a failed fetch is remembered before it is tried again. */
  retryMs: number;
}

export const LOGO_DEFAULTS: LogoOptions = { maxBytes: 256 * 1024, timeoutMs: 3000, keepMs: 60 * 60_000, retryMs: 5 * 60_000 };

interface Entry {
  logo: Promise<Logo | undefined>;
  until: number;
}

export class ClientLogos {
  readonly #sources = new Map<string, string>();
  readonly #cache = new Map<string, Entry>();
  readonly #options: LogoOptions;

  constructor(clients: readonly ClientMetadata[], options: Partial<LogoOptions> = {}) {
    this.#options = { ...LOGO_DEFAULTS, ...options };
    for (const client of clients) {
      if (typeof client.client_id === 'string' && typeof client.logo_uri === 'string') {
        this.#sources.set(client.client_id, client.logo_uri);
      }
    }
  }

  /** The client's logo, or undefined when it has none we can serve. Concurrent callers share one fetch. */
  get(clientId: string): Promise<Logo | undefined> {
    const url = this.#sources.get(clientId);
    if (!url) return Promise.resolve(undefined);
    const cached = this.#cache.get(clientId);
    if (cached && cached.until > Date.now()) return cached.logo;
    const entry: Entry = { logo: Promise.resolve(undefined), until: Date.now() + this.#options.timeoutMs + this.#options.keepMs };
    entry.logo = this.#fetch(clientId, url).then((logo) => {
      if (!logo) entry.until = Date.now() + this.#options.retryMs;
      return logo;
    });
    this.#cache.set(clientId, entry);
    return entry.logo;
  }

  async #fetch(clientId: string, url: string): Promise<Logo | undefined> {
    try {
      return await fetchLogo(url, this.#options);
    } catch (error) {
      log.warn('client logo not shown', { client_id: clientId, logo_uri: url, reason: (error as Error).message });
      return undefined;
    }
  }
}
