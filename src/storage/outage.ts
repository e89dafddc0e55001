/**
 * What a store outage looks like to everyone outside the store: one status
 * (503), one code (`temporarily_unavailable`), one wording. The store reports
 * an outage as StoreUnavailableError; oidc-provider's routes get it as its own
 * TemporarilyUnavailable error (guarded), our routes as a JSON body or page.
 */
import { errors } from 'oidc-provider';
import { StoreUnavailableError } from './store-error.js';

export const STORE_OUTAGE = {
  status: 503,
  error: 'temporarily_unavailable',
  description: 'the service cannot reach its session store; try again in a moment',
} as const;

/** The JSON body of a 503 for a store outage. */
export function outageBody(): { error: string; error_description: string } {
  return { error: STORE_OUTAGE.error, error_description: STORE_OUTAGE.description };
}

/** Whether an error is a store outage, as the store or as oidc-provider reports it. */
export function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreUnavailableError || error instanceof errors.TemporarilyUnavailable;
}

/** The in-memory store at its size cap (MEMORY_STORE_MAX_ENTRIES): new interactions are refused, like an outage. */
export const STORE_FULL = {
  status: 503,
  error: 'temporarily_unavailable',
  description: 'the service is at capacity and cannot start a new sign-in; try again in a few minutes',
} as const;

/** The memory store's refusal of a new interaction, as oidc-provider's 503 temporarily_unavailable. */
export function storeFull(): errors.TemporarilyUnavailable {
  return unavailable(STORE_FULL.description);
}

/** A store outage as oidc-provider's 503 temporarily_unavailable. */
export function temporarilyUnavailable(cause: StoreUnavailableError): errors.TemporarilyUnavailable {
  return unavailable(STORE_OUTAGE.description, cause);
}

/** oidc-provider's temporarily_unavailable as a 503 (its default is 400), for any refusal that a retry may cure. */
export function unavailable(description: string, cause?: unknown): errors.TemporarilyUnavailable {
  const error = new errors.TemporarilyUnavailable(description, cause === undefined ? {} : { cause });
  error.status = STORE_OUTAGE.status;
  error.statusCode = STORE_OUTAGE.status;
  // expose was computed for the default 400; keep it, or oidc-provider renders server_error.
  error.expose = true;
  return error;
}

/** Runs a store call; a store outage leaves it as oidc-provider's 503 temporarily_unavailable. */
export function guarded<T>(run: () => Promise<T>): Promise<T> {
  return run().catch(asProviderError);
}

function asProviderError(error: unknown): never {
  throw error instanceof StoreUnavailableError ? temporarilyUnavailable(error) : error;
}
