/**
 * An index of the clients kept in the store (dynamically registered ones and
 * those the command-line tool adds), so they can be listed: the adapter of
 * the Client model adds a client's id on upsert and removes it on destroy.
 * Ids whose record is gone (a write failed midway) are skipped when listed.
 */
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

export const CLIENT_INDEX_KEY = 'clients:index';

export function withClientIndex(Base: AdapterConstructor, store: Store): AdapterConstructor {
  return class IndexedAdapter implements Adapter {
    readonly #base: Adapter;
    readonly #indexed: boolean;

    constructor(model: string) {
      this.#base = new Base(model);
      this.#indexed = model === 'Client';
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      if (this.#indexed) await guarded(() => store.addToSet(CLIENT_INDEX_KEY, id, Number.POSITIVE_INFINITY));
      return this.#base.upsert(id, payload, expiresIn);
    }

    async destroy(id: string) {
      await this.#base.destroy(id);
      if (this.#indexed) await guarded(() => store.removeFromSet(CLIENT_INDEX_KEY, id));
    }

    find(id: string) {
      return this.#base.find(id);
    }

    findByUid(uid: string) {
      return this.#base.findByUid(uid);
    }

    findByUserCode(userCode: string) {
      return this.#base.findByUserCode(userCode);
    }

    consume(id: string) {
      return this.#base.consume(id);
    }

    revokeByGrantId(grantId: string) {
      return this.#base.revokeByGrantId(grantId);
    }
  };
}

/** The ids of every client in the store. */
export async function storedClientIds(store: Store): Promise<string[]> {
  return (await store.members(CLIENT_INDEX_KEY)).sort();
}
