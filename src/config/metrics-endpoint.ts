/**
 * METRICS_PORT and METRICS_HOST: where the Prometheus metrics are served
 * (metrics/server.ts), on a port of their own. METRICS_PORT unset: no metrics
 * at all (nothing is created, nothing listens).
 *
 * METRICS_HOST defaults to every interface, like PORT: in a container
 * Prometheus scrapes from another container, which a loopback-only default
 * would silently shut out. The port must still never be reachable from the
 * internet: do not publish it (no `-p` for it, no public Service or load
 * balancer rule), or set METRICS_HOST=127.0.0.1 where the scraper runs on the
 * same host.
 */
import { isIP } from 'node:net';
import { optional } from './values.js';

export interface MetricsEndpoint {
  port: number;
  /** The address to bind; undefined: every interface (Node's default, as for PORT). */
  host: string | undefined;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`, `metrics.internal` → the address to bind, or undefined when it is none. */
function parseHost(raw: string): string | undefined {
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(unbracketed) !== 0) return unbracketed;
  return unbracketed === raw && HOSTNAME.test(raw) ? raw : undefined;
}

/** The metrics endpoint, or undefined when METRICS_PORT is unset; every problem in `problems`. */
export function parseMetricsEndpoint(env: NodeJS.ProcessEnv, publicPort: number, problems: string[]): MetricsEndpoint | undefined {
  const rawPort = optional(env.METRICS_PORT);
  const rawHost = optional(env.METRICS_HOST);
  const host = rawHost === undefined ? undefined : parseHost(rawHost);
  if (rawHost !== undefined && host === undefined) {
    problems.push(`METRICS_HOST must be an IP address or a host name to listen on, such as 127.0.0.1 or 0.0.0.0, got "${rawHost}"`);
  }
  if (rawPort === undefined) {
    if (rawHost !== undefined) problems.push('METRICS_HOST is set but METRICS_PORT is not: set METRICS_PORT to serve metrics');
    return undefined;
  }
  if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
    problems.push(`METRICS_PORT must be a whole number from 1 to 65535 (unset: no metrics), got "${rawPort}"`);
    return undefined;
  }
  const port = Number(rawPort);
  if (port === publicPort) {
    problems.push(`METRICS_PORT must differ from PORT (${publicPort}): metrics are served on a port of their own, never the public one`);
    return undefined;
  }
  return { port, host };
}
