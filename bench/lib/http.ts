/** A minimal keep-alive HTTP/1.1 client over node:http: no redirects followed, cookies via a CookieJar. */
import { Agent, request } from 'node:http';
import type { CookieJar } from './cookie-jar.js';

export interface Reply {
  status: number;
  location: string | undefined;
  body: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export function createAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export function send(agent: Agent, jar: CookieJar, url: URL, options: RequestOptions = {}): Promise<Reply> {
  const path = url.pathname;
  const headers: Record<string, string> = { ...options.headers };
  const cookie = jar.header(path);
  if (cookie) headers.cookie = cookie;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<Reply>((resolve, reject) => {
    const req = request(url, { agent, method: options.method ?? 'GET', headers }, (res) => {
      jar.store(res.headers['set-cookie'], path);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
