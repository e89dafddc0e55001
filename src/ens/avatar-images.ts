/**
 * ENS avatars for our own login page, which may show nothing from another
 * origin (its Content-Security-Policy allows images from 'self' and data:
 * only): the server fetches the picture (an https URL, see avatar-record.ts)
 * through the SSRF-guarded outbound fetch, with the client logos' rules
 * (web/fetch-logo.ts: raster images only, never SVG, the type confirmed by
 * the bytes, a size cap, no redirects, a timeout), and the page gets it as a
 * data: URL. Kept in this process's memory for ENS_CACHE_TTL, a bounded
 * number of them; a failure is remembered for a few minutes.
 */
import { log } from '../log.js';
import { fetchLogo } from '../web/fetch-logo.js';
import type { GuardedFetch } from './avatar-record.js';

const MAX_BYTES = 128 * 1024;
const MAX_ENTRIES = 256;
const RETRY_MS = 5 * 60_000;

interface Entry {
  image: Promise<string | undefined>;
  until: number;
}

export class AvatarImages {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly fetch: GuardedFetch,
    private readonly timeoutMs: number,
    private readonly keepMs: number,
  ) {}

  /** The picture as a data: URL, or undefined when it cannot be shown. Never throws. */
  get(url: string): Promise<string | undefined> {
    const cached = this.#entries.get(url);
    if (cached && cached.until > Date.now()) return cached.image;
    this.#entries.delete(url);
    while (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    const entry: Entry = { image: Promise.resolve(undefined), until: Date.now() + this.timeoutMs + this.keepMs };
    entry.image = fetchLogo(url, { maxBytes: MAX_BYTES, timeoutMs: this.timeoutMs, fetch: this.fetch }).then(
      (logo) => `data:${logo.type};base64,${logo.body.toString('base64')}`,
      (error: Error) => {
        entry.until = Date.now() + RETRY_MS;
        log.warn('ENS avatar not shown', { picture: url, reason: error.message });
        return undefined;
      },
    );
    this.#entries.set(url, entry);
    return entry.image;
  }
}
