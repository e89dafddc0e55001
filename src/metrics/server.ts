/**
 * The metrics endpoint (METRICS_PORT, METRICS_HOST): a plain node:http server
 * of its own, apart from the public port, answering `GET /metrics` (and HEAD)
 * with the Prometheus text format, and 404 to anything else. No Koa, no
 * provider, no cookies: nothing of the public server is reachable through it,
 * and it is never reachable through the public port. It must never be exposed
 * publicly (see the README's "Metrics and alerts").
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '../log.js';
import type { Metrics } from './registry.js';

const METRICS_PATH = '/metrics';

export interface MetricsServer {
  readonly server: Server;
  /** The port it listens on (METRICS_PORT). */
  readonly port: number;
  /** The URL to scrape, for the start line. */
  readonly url: string;
  /** Stops listening and cuts every connection (a scraper's keep-alive included). */
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  const query = url?.indexOf('?') ?? -1;
  return query === -1 ? (url ?? '') : url!.slice(0, query);
}

function answer(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}

function metricsHandler(metrics: Metrics) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || pathOf(request.url) !== METRICS_PATH) {
      answer(response, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => answer(response, 200, contentType, body),
      (error: unknown) => {
        log.error('metrics collection failed', { error: (error as Error).message });
        answer(response, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n');
      },
    );
  };
}

/**
 * Listens on `port` at `host` (undefined: every interface, as the public port
 * does). Rejects when the port cannot be had (in use, not allowed): the start stops.
 */
export async function startMetricsServer(metrics: Metrics, port: number, host: string | undefined): Promise<MetricsServer> {
  const server = createServer(metricsHandler(metrics));
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new Error(
      `METRICS_PORT ${port}${host ? ` on ${host}` : ''}: cannot listen (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const bound = server.address() as AddressInfo;
  const shownHost = host ?? bound.address;
  return {
    server,
    port: bound.port,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound.port}${METRICS_PATH}`,
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
