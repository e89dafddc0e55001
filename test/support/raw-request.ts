/**
 * One HTTP request exactly as written: no header is added, none normalised,
 * the body sent as given (a Content-Length is added only for a body sent in one
 * piece without Transfer-Encoding). For malformed-input tests that a client
 * library would "fix". Also reads the cookies a supertest agent holds.
 */
import { request } from 'node:http';
import type { Agent } from './flow.js';

export interface RawRequest {
  method: string;
  /** Path and query, sent as is (it must already be percent-encoded where Node requires it). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function rawRequest(origin: string, { method, path, headers = {}, body }: RawRequest): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, method, path, headers, setHost: true }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The Cookie header the agent would send to `path` on `origin` (superagent's cookie jar). */
export function agentCookies(agent: Agent, origin: string, path: string): string {
  const url = new URL(path, origin);
  const jar = (agent as unknown as { jar: { getCookies(access: unknown): { toValueString(): string } } }).jar;
  return jar.getCookies({ domain: url.hostname, path: url.pathname, secure: false, script: false }).toValueString();
}
