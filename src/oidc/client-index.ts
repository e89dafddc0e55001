/**
 * An index of the clients kept in the store (dynamically registered ones and
 * those the command-line tool adds), so they can be listed: the adapter of
 * the Client model adds a client's id on upsert and removes it on destroy.
 * Ids whose record is gone (a write failed midway) are skipped when listed.
 */
import type { AdapterConstructor } from 'oidc-provider';
import { decorateAdapter } from '../storage/decorate-adapter.js';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

export const CLIENT_INDEX_KEY = 'clients:index';

export function withClientIndex(Base: AdapterConstructor, store: Store): AdapterConstructor {
  return decorateAdapter(Base, (model, base) =>
    model !== 'Client'
      ? {}
      : {
          async upsert(id, payload, expiresIn) {
            await guarded(() => store.addToSet(CLIENT_INDEX_KEY, id, Number.POSITIVE_INFINITY));
            return base.upsert(id, payload, expiresIn);
          },
          async destroy(id) {
            await base.destroy(id);
            await guarded(() => store.removeFromSet(CLIENT_INDEX_KEY, id));
          },
        },
  );
}

/** The ids of every client in the store. */
export async function storedClientIds(store: Store): Promise<string[]> {
  return (await store.members(CLIENT_INDEX_KEY)).sort();
}
