/**
 * A plain HTTP relay between a proxy under test and one backend: passes every
 * request on unchanged (headers, X-Forwarded-For included) and records its
 * method, path, answer status and arrival time, so a test can see what the
 * proxy sent where (health checks included).
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';

export interface RelayedRequest {
  method: string;
  path: string;
  at: number;
  forwardedFor: string | undefined;
  status?: number;
}

export class RecordingRelay {
  readonly requests: RelayedRequest[] = [];
  readonly #target: URL;
  readonly #server: Server;
  port = 0;

  /** `target`: the backend's origin, `http://127.0.0.1:<port>`. */
  constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer((incoming, outgoing) => {
      const record: RelayedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        at: Date.now(),
        forwardedFor: incoming.headers['x-forwarded-for'] as string | undefined,
      };
      this.requests.push(record);
      const upstream = request(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent: false,
        },
        (response) => {
          record.status = response.statusCode;
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstream.once('error', () => outgoing.headersSent || outgoing.writeHead(502).end());
      incoming.pipe(upstream);
    });
  }

  async start(): Promise<void> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const address = this.#server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  /** The requests other than the proxy's health checks (GET /readyz). */
  get traffic(): RelayedRequest[] {
    return this.requests.filter((entry) => entry.path !== '/readyz');
  }
}
