/**
 * Fetches one client logo, safely, so our pages can serve it from our own
 * origin: http(s) only, no redirects, a short timeout, a size cap, and raster
 * images only (PNG, JPEG, GIF, WebP; never SVG, which can carry script), the
 * declared type confirmed by the file's first bytes.
 */
import { readCappedBody } from './capped-body.js';

export interface Logo {
  type: string;
  body: Buffer;
}

export interface LogoLimits {
  maxBytes: number;
  timeoutMs: number;
  /** The fetch to use: the global one by default; the SSRF-guarded one (oidc/outbound-fetch.ts) for URLs nobody vetted. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export class LogoError extends Error {
  override name = 'LogoError';
}

const DECLARED: Record<string, string> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

const ascii = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');

/** The raster type the bytes really are, by their signature, or undefined. */
export function sniffRaster(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export async function fetchLogo(url: string, limits: LogoLimits): Promise<Logo> {
  if (!/^https?:\/\//i.test(url)) throw new LogoError('not an http(s) URL');
  let response: Response;
  try {
    response = await (limits.fetch ?? fetch)(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(limits.timeoutMs),
      headers: { accept: 'image/png, image/jpeg, image/webp, image/gif' },
    });
  } catch (error) {
    const { name, cause } = error as Error & { cause?: { code?: string } };
    throw new LogoError(`cannot be fetched (${cause?.code ?? name})`);
  }
  if (!response.ok || !response.body) throw new LogoError(`answered HTTP ${response.status}`);
  const declared = DECLARED[(response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()];
  if (!declared) {
    await response.body.cancel().catch(() => undefined);
    throw new LogoError(`is ${response.headers.get('content-type') ?? 'untyped'}, not PNG, JPEG, GIF or WebP`);
  }
  let body: Buffer;
  try {
    body = await readCappedBody(response, limits.maxBytes, () => new LogoError(`larger than ${limits.maxBytes} bytes`));
  } catch (error) {
    throw error instanceof LogoError ? error : new LogoError(`cannot be read (${(error as Error).name})`);
  }
  if (sniffRaster(body) !== declared) throw new LogoError(`is declared ${declared} but its content is not`);
  return { type: declared, body };
}
