/**
 * The bare engine's Redis adapter: the plain adapter an oidc-provider operator
 * would write after the project's own example (one JSON string per artifact,
 * a hash for consumable ones so consume() sets a field, a list per grant, uid
 * and user-code pointers; MULTI per upsert). Written for this bench against
 * node-redis; nothing in src/ uses it. It is the baseline our store adapter
 * is measured against, so it does the same job: no locking, no outage mapping,
 * no single-use markers, no replication wait.
 */
import { createClient } from '@keyv/redis';
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export async function plainRedisAdapter(url: string, prefix: string): Promise<{ Adapter: AdapterConstructor; close(): Promise<void> }> {
  const client = createClient({ url });
  await client.connect();
  const grantKey = (id: string) => `${prefix}grant:${id}`;
  const userCodeKey = (code: string) => `${prefix}userCode:${code}`;
  const uidKey = (uid: string) => `${prefix}uid:${uid}`;

  class PlainRedisAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${prefix}${this.#model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.#key(id);
      const multi = client.multi();
      if (CONSUMABLE.has(this.#model)) multi.hSet(key, { payload: JSON.stringify(payload) });
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);
      if (GRANTABLE.has(this.#model) && typeof payload.grantId === 'string') {
        const grant = grantKey(payload.grantId);
        multi.rPush(grant, key);
        const ttl = await client.ttl(grant);
        if (expiresIn && expiresIn > ttl) multi.expire(grant, expiresIn);
      }
      if (typeof payload.userCode === 'string') {
        multi.set(userCodeKey(payload.userCode), id);
        if (expiresIn) multi.expire(userCodeKey(payload.userCode), expiresIn);
      }
      if (typeof payload.uid === 'string') {
        multi.set(uidKey(payload.uid), id);
        if (expiresIn) multi.expire(uidKey(payload.uid), expiresIn);
      }
      await multi.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (CONSUMABLE.has(this.#model)) {
        const { payload, consumed } = (await client.hGetAll(this.#key(id))) as Record<string, string | undefined>;
        if (payload === undefined) return undefined;
        return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed === undefined ? {} : { consumed: Number(consumed) }) };
      }
      const data = await client.get(this.#key(id));
      return data === null ? undefined : (JSON.parse(data) as AdapterPayload);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await client.get(uidKey(uid));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await client.get(userCodeKey(userCode));
      return id === null ? undefined : this.find(id);
    }

    async destroy(id: string): Promise<void> {
      await client.del(this.#key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const keys = await client.lRange(grantKey(grantId), 0, -1);
      const multi = client.multi();
      for (const key of keys) multi.del(key);
      multi.del(grantKey(grantId));
      await multi.exec();
    }

    async consume(id: string): Promise<void> {
      await client.hSet(this.#key(id), 'consumed', Math.floor(Date.now() / 1000));
    }
  }

  return { Adapter: PlainRedisAdapter, close: async () => void (await client.close()) };
}
