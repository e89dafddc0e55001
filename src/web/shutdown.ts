/**
 * Graceful shutdown: on SIGTERM (or SIGINT) an instance leaves the load
 * balancer's rotation without failing a request. With SHUTDOWN_TIMEOUT = T
 * seconds, counted from the signal:
 *
 * - at once: /readyz answers 503 `{"status":"draining"}` (see health.ts), and
 *   every response from now on, those of requests already in flight included,
 *   closes its connection (`Connection: close`), so no keep-alive connection
 *   outlives its request and the next one opens a fresh connection, which the
 *   load balancer sends to an instance still in rotation.
 * - from 0 to T/2, the accept window: new connections are still accepted and
 *   served, whatever arrives. A load balancer notices the 503 only after a few
 *   probe intervals; until then it keeps routing here, and those requests succeed.
 *   The window is fixed (not cut short when the instance is idle): a request
 *   routed here a moment after an early close would find the port closed.
 * - at T/2: stop accepting (server.close()) and close the idle connections.
 *   Requests in flight go on; each finished one closes its connection.
 * - as soon as no request is in flight, or at T at the latest, when the
 *   connections still open are cut: the drain is over.
 *
 * Then the metrics server closes (METRICS_PORT; it answers scrapes during the
 * drain), then the store (Redis QUIT; bounded by the store's 1 s command bound),
 * and main.ts exits: 0 after a clean close, even if requests had to be cut at T
 * (the configured bound was honoured; a warning counts them); 1 if the store
 * failed to close. A second SIGTERM or SIGINT during the drain cuts every
 * connection and exits 1 at once, without waiting or closing the store.
 *
 * Requests are counted with the http server's own events (`request`, and the
 * response's `close`, which comes once per response whether it finished or its
 * connection died), so requests that never reach a Koa middleware count too.
 */
import type { Server, ServerResponse } from 'node:http';
import { log } from '../log.js';
import type { Store } from '../storage/store.js';

/** The applications (Koa, i.e. the Provider) whose server is draining: /readyz reads this. */
const draining = new WeakSet<object>();

/** Whether the server of `app` (a Koa application: `ctx.app`) is shutting down. */
export function isDraining(app: object): boolean {
  return draining.has(app);
}

export interface DrainTimings {
  /** Milliseconds after the signal during which new connections are still accepted. */
  acceptMs: number;
  /** Milliseconds after the signal at which the connections still open are cut. */
  deadlineMs: number;
}

/** SHUTDOWN_TIMEOUT (seconds) split: accept new connections for the first half, finish requests in flight in the rest. */
export function drainTimings(shutdownTimeoutSeconds: number): DrainTimings {
  const deadlineMs = shutdownTimeoutSeconds * 1000;
  return { acceptMs: Math.floor(deadlineMs / 2), deadlineMs };
}

export interface DrainResult {
  /** Requests still in flight at the deadline, whose connections were cut. */
  cut: number;
}

/** A timer that can be awaited and cancelled (no timer outlives the drain). */
function wait(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let resolveEarly: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveEarly = resolve;
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      resolveEarly();
    },
  };
}

/**
 * Counts the requests in flight on `server` from now on, and drains it on demand.
 * Create it before the server receives its first request.
 */
export class Drain {
  readonly #server: Server;
  readonly #app: object;
  readonly #inFlight = new Set<ServerResponse>();
  #draining = false;
  #closing = false;
  #whenIdle: (() => void) | undefined;
  #timers: { cancel(): void }[] = [];

  constructor(server: Server, app: object) {
    this.#server = server;
    this.#app = app;
    // Before the application's own listener, so every request is counted.
    server.prependListener('request', (_request, response: ServerResponse) => this.#track(response));
  }

  /** Requests received whose response has not finished (or whose connection has not died) yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  #track(response: ServerResponse): void {
    this.#inFlight.add(response);
    if (this.#draining) closeAfter(response);
    response.once('close', () => {
      this.#inFlight.delete(response);
      if (this.#inFlight.size === 0) this.#whenIdle?.();
      // Not listening any more: a connection its response left open (headers sent before the drain) goes now.
      else if (this.#closing) setImmediate(() => this.#server.closeIdleConnections());
    });
  }

  /** Runs the whole drain (see the top of this file); resolves once the server is closed. Call it once. */
  async run({ acceptMs, deadlineMs }: DrainTimings): Promise<DrainResult> {
    const accept = wait(acceptMs);
    const deadline = wait(deadlineMs);
    this.#timers.push(accept, deadline);
    this.#draining = true;
    draining.add(this.#app);
    for (const response of this.#inFlight) closeAfter(response);

    await accept.done;
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    if (this.#inFlight.size > 0) {
      const idle = new Promise<void>((resolve) => {
        this.#whenIdle = resolve;
      });
      await Promise.race([idle, deadline.done]);
    }
    deadline.cancel();
    const cut = this.#inFlight.size;
    // Nothing in flight any more, or the deadline: whatever connection is left (idle, or cut) goes.
    this.#server.closeAllConnections();
    await closed;
    return { cut };
  }

  /** Stops at once: every connection is cut, the port closed, and a running drain returns. */
  abort(): void {
    this.#closing = true;
    for (const timer of this.#timers) timer.cancel();
    if (this.#server.listening) this.#server.close();
    this.#server.closeAllConnections();
  }
}

/**
 * Makes the connection of `response` close once it is sent: Node then writes
 * `Connection: close`. A flag rather than the header, which Koa's error
 * handler would remove with every other header.
 */
function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.shouldKeepAlive = false;
}

/**
 * The stop after the first SIGTERM or SIGINT: drains `drain` within
 * SHUTDOWN_TIMEOUT seconds, then closes the metrics server (METRICS_PORT; it
 * answers scrapes during the drain) and the store. Resolves with the exit code:
 * 0, or 1 if the store failed to close (logged).
 */
export async function shutDown(
  signal: string,
  drain: Drain,
  store: Store,
  shutdownTimeoutSeconds: number,
  metricsServer?: { close(): Promise<void> },
): Promise<number> {
  const timings = drainTimings(shutdownTimeoutSeconds);
  log.info(`${signal} received: draining (/readyz answers 503)`, {
    acceptNewConnectionsForMs: timings.acceptMs,
    cutConnectionsAfterMs: timings.deadlineMs,
    inFlight: drain.inFlight,
  });
  const { cut } = await drain.run(timings);
  if (cut > 0) log.warn(`SHUTDOWN_TIMEOUT (${shutdownTimeoutSeconds} s) reached: cut ${cut} request(s) still in flight`);
  await metricsServer?.close();
  try {
    await store.close();
  } catch (error) {
    log.error('closing the store failed', { error: (error as Error).message });
    return 1;
  }
  log.info('stopped');
  return 0;
}
