/**
 * Wraps an oidc-provider adapter class: `decorate(model, base)` returns the
 * methods that do more than the base adapter for that model; every other call
 * goes to the base adapter unchanged. One place for the delegation, so each
 * decorator (the client index, registered clients' lifetime) says only what it adds.
 */
import type { Adapter, AdapterConstructor } from 'oidc-provider';

type Methods = Pick<Adapter, 'upsert' | 'find' | 'findByUid' | 'findByUserCode' | 'consume' | 'destroy' | 'revokeByGrantId'>;

export function decorateAdapter(
  Base: AdapterConstructor,
  decorate: (model: string, base: Adapter) => Partial<Methods>,
): AdapterConstructor {
  return class DecoratedAdapter implements Adapter {
    readonly #base: Adapter;
    readonly #own: Partial<Methods>;

    constructor(model: string) {
      this.#base = new Base(model);
      this.#own = decorate(model, this.#base);
    }

    upsert(...args: Parameters<Adapter['upsert']>) {
      return this.#own.upsert ? this.#own.upsert(...args) : this.#base.upsert(...args);
    }

    find(id: string) {
      return this.#own.find ? this.#own.find(id) : this.#base.find(id);
    }

    findByUid(uid: string) {
      return this.#own.findByUid ? this.#own.findByUid(uid) : this.#base.findByUid(uid);
    }

    findByUserCode(userCode: string) {
      return this.#own.findByUserCode ? this.#own.findByUserCode(userCode) : this.#base.findByUserCode(userCode);
    }

    consume(id: string) {
      return this.#own.consume ? this.#own.consume(id) : this.#base.consume(id);
    }

    destroy(id: string) {
      return this.#own.destroy ? this.#own.destroy(id) : this.#base.destroy(id);
    }

    revokeByGrantId(grantId: string) {
      return this.#own.revokeByGrantId ? this.#own.revokeByGrantId(grantId) : this.#base.revokeByGrantId(grantId);
    }
  };
}
