/**
 * The desktop pages waiting for a phone's signature, each on one open
 * Server-Sent Events response (GET /interaction/:uid/cross-device/events),
 * and how they learn of it within a second, whichever instance the phone
 * reached:
 *
 * - The phone's instance records the proof in the store, then publishes the
 *   interaction's uid on one store channel (Redis PUBLISH; in memory, this
 *   process). Each instance subscribes once, for all its waiting pages, and
 *   sends `proof` to the pages of that uid. Nothing polls the store: a
 *   waiting page costs one read when it connects, and a timer check a second.
 * - A signal can be missed (the subscriber was reconnecting). Every stream
 *   therefore ends after STREAM_LIFETIME_MS and the browser reconnects
 *   (EventSource does so by itself), and every connection starts with one
 *   read of the proof; when a lost subscription comes back, each waiting
 *   page's proof is read once. A missed signal costs at most a minute.
 * - At most CROSS_DEVICE_MAX_WAITING pages wait per client address (IPv6 by
 *   its /64) on each instance; one more is refused with 429.
 * - One process-wide timer, running only while pages wait, ends streams past
 *   their deadline (the stream's lifetime or the interaction's expiry), sends
 *   a keep-alive comment every KEEP_ALIVE_MS so proxies do not cut an idle
 *   stream, and ends every stream when the server drains (web/shutdown.ts),
 *   so the browser reconnects to an instance still in rotation.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { log } from '../log.js';
import type { Store } from '../storage/store.js';
import { clientKey } from '../web/rate-limiter.js';
import { isDraining } from '../web/shutdown.js';
import { hasProof, PROOF_CHANNEL } from './handles.js';

/** A stream ends after this long; the browser reconnects at once (and reads the proof once). */
const STREAM_LIFETIME_MS = 60_000;
const KEEP_ALIVE_MS = 20_000;
const TICK_MS = 1000;
/** What the browser waits before reconnecting (the `retry` field). */
const RETRY_MS = 1000;

interface Waiter {
  uid: string;
  address: string;
  stream: ServerResponse;
  deadline: number;
  /** The deadline is the interaction's expiry (not only the stream's lifetime): say `expired` then. */
  expires: boolean;
}

export class WaitingPages {
  readonly #store: Store;
  readonly #app: object;
  readonly #maxPerAddress: number;
  readonly #byUid = new Map<string, Set<Waiter>>();
  readonly #perAddress = new Map<string, number>();
  #count = 0;
  #subscribed: Promise<unknown> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;

  constructor(store: Store, app: object, maxPerAddress: number) {
    this.#store = store;
    this.#app = app;
    this.#maxPerAddress = maxPerAddress;
  }

  /** Pages waiting on this instance now. */
  get size(): number {
    return this.#count;
  }

  /** Whether another page from this client address may wait here. */
  admits(ctx: Context): boolean {
    return (this.#perAddress.get(clientKey(ctx.ip)) ?? 0) < this.#maxPerAddress;
  }

  /**
   * Answers `ctx` with an event stream for interaction `uid` (expiring at
   * `exp`, in seconds): `proof` as soon as a proof is recorded, `expired` when
   * the interaction is over. Call admits() first.
   */
  async wait(ctx: Context, uid: string, exp: number): Promise<void> {
    await this.#subscribe();
    // Written by hand, past Koa (which would report a browser that goes away as a failed response);
    // the headers set so far (request id, Cache-Control) are already on the response.
    ctx.respond = false;
    const stream = ctx.res;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    stream.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    stream.write(`retry: ${RETRY_MS}\n\n`);
    // Recorded before this page connected (or while a signal was lost): one read.
    if (await hasProof(this.#store, uid)) {
      stream.end('event: proof\ndata: {}\n\n');
      return;
    }
    if (isDraining(this.#app)) {
      stream.end();
      return;
    }
    const expiresAt = exp * 1000;
    const deadline = Math.min(Date.now() + STREAM_LIFETIME_MS, expiresAt);
    const waiter: Waiter = { uid, address: clientKey(ctx.ip), stream, deadline, expires: deadline === expiresAt };
    this.#add(waiter);
    stream.once('close', () => this.#remove(waiter));
  }

  /** Ends every stream and stops the timer (tests; the process's end ends them anyway). */
  close(): void {
    for (const waiters of this.#byUid.values()) for (const waiter of waiters) waiter.stream.end();
    this.#stopTimer();
  }

  #add(waiter: Waiter): void {
    const waiters = this.#byUid.get(waiter.uid) ?? new Set<Waiter>();
    this.#byUid.set(waiter.uid, waiters);
    waiters.add(waiter);
    this.#perAddress.set(waiter.address, (this.#perAddress.get(waiter.address) ?? 0) + 1);
    this.#count += 1;
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS).unref();
  }

  #remove(waiter: Waiter): void {
    const waiters = this.#byUid.get(waiter.uid);
    if (!waiters?.delete(waiter)) return;
    if (waiters.size === 0) this.#byUid.delete(waiter.uid);
    const left = (this.#perAddress.get(waiter.address) ?? 1) - 1;
    if (left === 0) this.#perAddress.delete(waiter.address);
    else this.#perAddress.set(waiter.address, left);
    this.#count -= 1;
    if (this.#count === 0) this.#stopTimer();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One subscription per instance, for every page; retried on the next page if it failed. */
  async #subscribe(): Promise<void> {
    this.#subscribed ??= this.#store
      .subscribe(
        PROOF_CHANNEL,
        (uid) => this.#signal(uid),
        () => this.#resume(),
      )
      .catch((error: unknown) => {
        this.#subscribed = undefined;
        throw error;
      });
    await this.#subscribed;
  }

  /** A proof for `uid` was recorded: its pages here are told, and their streams end. */
  #signal(uid: string): void {
    for (const waiter of this.#byUid.get(uid) ?? []) waiter.stream.end('event: proof\ndata: {}\n\n');
  }

  /** The subscription was lost and is back: a signal may have been missed, so each waiting page's proof is read once. */
  #resume(): void {
    for (const uid of this.#byUid.keys()) {
      hasProof(this.#store, uid).then(
        (found) => found && this.#signal(uid),
        (error: unknown) => log.warn('cross-device: a proof could not be read after the subscription came back', { error: String(error) }),
      );
    }
  }

  #tick(): void {
    const now = Date.now();
    const draining = isDraining(this.#app);
    const keepAlive = ++this.#ticks % (KEEP_ALIVE_MS / TICK_MS) === 0;
    for (const waiters of this.#byUid.values()) {
      for (const waiter of waiters) {
        if (draining || now >= waiter.deadline) {
          waiter.stream.end(waiter.expires && now >= waiter.deadline ? 'event: expired\ndata: {}\n\n' : undefined);
        } else if (keepAlive) {
          waiter.stream.write(':\n\n');
        }
      }
    }
  }
}
