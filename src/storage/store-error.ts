/**
 * The one error every store backend failure is reported as. Callers treat it
 * as "the store could not answer": never as a miss.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
