/**
 * A TLS-terminating load balancer, the stand-in for docker-compose.yml's Caddy
 * (deploy/Caddyfile) when the topology runs as local processes: HTTPS with a
 * self-signed certificate made by `openssl`, round robin over the backends
 * whose GET /readyz last answered 200 (polled every `healthInterval` ms, a new
 * connection per request), and X-Forwarded-For *appended* to, as nginx's
 * `$proxy_add_x_forwarded_for` does: what the client sent stays, left of the
 * address the proxy saw. (Caddy replaces it instead; appending is the harder
 * case for TRUST_PROXY.) Upstream connections leave from `upstreamAddress`, so
 * a backend's TCP peer differs from the client's address. Records where each
 * request went.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether `openssl` runs here (the certificate needs it). */
export async function hasOpenssl(): Promise<boolean> {
  return run('openssl', ['version']).then(
    () => true,
    () => false,
  );
}

/** A self-signed P-256 certificate for `localhost` (and 127.0.0.1), valid one day, written into `dir`. */
export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const keyFile = join(dir, 'proxy-key.pem');
  const certFile = join(dir, 'proxy-cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}

export interface Backend {
  name: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
}

export interface Route {
  method: string;
  path: string;
  backend: string;
  /** The X-Forwarded-For the backend received. */
  forwardedFor: string;
  /** The backend's status and Set-Cookie header fields, once it answered. */
  status?: number;
  setCookie?: string[];
}

export class TlsBalancer {
  readonly routes: Route[] = [];
  readonly #backends: (Backend & { ready: boolean })[];
  readonly #server: Server;
  readonly #healthInterval: number;
  readonly #upstreamAddress: string | undefined;
  #next = 0;
  #poller: NodeJS.Timeout | undefined;

  constructor(options: { backends: Backend[]; key: string; cert: string; healthInterval?: number; upstreamAddress?: string }) {
    this.#backends = options.backends.map((backend) => ({ ...backend, ready: false }));
    this.#healthInterval = options.healthInterval ?? 100;
    this.#upstreamAddress = options.upstreamAddress;
    this.#server = createServer({ key: options.key, cert: options.cert }, (incoming, outgoing) => this.#forward(incoming, outgoing));
  }

  async start(port: number): Promise<void> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    await this.#poll();
    this.#poller = setInterval(() => void this.#poll(), this.#healthInterval);
  }

  async stop(): Promise<void> {
    clearInterval(this.#poller);
    this.#server.closeAllConnections();
    this.#server.close();
  }

  /** The backends in rotation now. */
  get ready(): string[] {
    return this.#backends.filter((backend) => backend.ready).map((backend) => backend.name);
  }

  async #poll(): Promise<void> {
    await Promise.all(
      this.#backends.map(async (backend) => {
        backend.ready = await fetch(`${backend.origin}/readyz`, { signal: AbortSignal.timeout(500) }).then(
          (response) => response.status === 200,
          () => false,
        );
      }),
    );
  }

  /** Round robin over the backends in rotation. */
  #pick(): (Backend & { ready: boolean }) | undefined {
    for (let tried = 0; tried < this.#backends.length; tried += 1) {
      const backend = this.#backends[this.#next % this.#backends.length]!;
      this.#next += 1;
      if (backend.ready) return backend;
    }
    return undefined;
  }

  #forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const backend = this.#pick();
    const peer = incoming.socket.remoteAddress ?? '';
    const sent = incoming.headers['x-forwarded-for'];
    const forwardedFor = [...(sent === undefined ? [] : [Array.isArray(sent) ? sent.join(', ') : sent]), peer].join(', ');
    const route: Route = { method: incoming.method ?? '', path: incoming.url ?? '', backend: backend?.name ?? 'none', forwardedFor };
    this.routes.push(route);
    if (!backend) {
      outgoing.writeHead(503).end();
      return;
    }
    const url = new URL(backend.origin);
    const upstream = request(
      {
        host: url.hostname,
        port: url.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' },
        localAddress: this.#upstreamAddress,
        agent: false,
      },
      (response) => {
        route.status = response.statusCode;
        route.setCookie = response.headers['set-cookie'] ?? [];
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.once('error', () => outgoing.headersSent || outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  }
}
