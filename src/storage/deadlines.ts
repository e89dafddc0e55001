/**
 * A bound on many concurrent operations with one timer: each operation's
 * promise is settled by its own outcome, or rejected once its deadline has
 * passed. A timer per call (setTimeout, Promise.race, clearTimeout) cost more
 * than a Redis read's own work on the client; here a call costs a set entry
 * and one promise. The timer ticks every tenth of the bound while calls are
 * pending (it stops at the first tick that finds none), so a call fails
 * between 1 and 1.1 times the bound after it started.
 */
interface Pending {
  readonly deadline: number;
  readonly fail: (error: unknown) => void;
}

export class Deadlines {
  readonly #boundMs: number;
  readonly #tickMs: number;
  readonly #pending = new Set<Pending>();
  #timer: NodeJS.Timeout | undefined;

  constructor(boundMs: number) {
    this.#boundMs = boundMs;
    this.#tickMs = Math.max(1, Math.ceil(boundMs / 10));
  }

  /** Operations started and not settled yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * `operation`'s outcome; past the bound, a rejection with "no reply within
   * <bound> ms". Either way a failure goes through `mapError` first.
   */
  bound<T>(operation: Promise<T>, mapError: (error: unknown) => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // A promise settles once: whichever of the outcome and the deadline comes second changes nothing.
      const entry: Pending = { deadline: performance.now() + this.#boundMs, fail: (error) => reject(mapError(error)) };
      this.#pending.add(entry);
      this.#timer ??= setInterval(() => this.#expire(), this.#tickMs).unref();
      operation.then(
        (value) => {
          this.#pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(entry);
          entry.fail(error);
        },
      );
    });
  }

  #expire(): void {
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    // Every call has the same bound: in start order (the set's), deadlines only grow.
    for (const entry of this.#pending) {
      if (entry.deadline > now) break;
      this.#pending.delete(entry);
      entry.fail(new Error(`no reply within ${this.#boundMs} ms`));
    }
  }
}
