import { errors } from 'oidc-provider';
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

import { log } from '../log.js';
import type { Store } from './store.js';
import { guarded, storeFull } from './outage.js';

/*
 * Keys (model names are PascalCase, so these prefixes cannot collide):
 *   oidc:<Model>:<id>            the artifact (payload as oidc-provider gave it)
 *   oidc:consumed:<Model>:<id>   consumed marker, epoch seconds (set once, atomically)
 *   oidc:uid:<uid>               Session uid -> Session id
 *   oidc:userCode:<code>         DeviceCode user code -> DeviceCode id
 *   oidc:grant:<grantId>         set of "<Model>:<id>" of every artifact of the grant
 *                                (not the Grant record: revocation removes that by its id;
 *                                sets written by earlier versions may still list it)
 */
export const artifactKey = (model: string, id: string) => `oidc:${model}:${id}`;
const consumedKey = (model: string, id: string) => `oidc:consumed:${model}:${id}`;
const uidKey = (uid: string) => `oidc:uid:${uid}`;
const userCodeKey = (userCode: string) => `oidc:userCode:${userCode}`;
const grantKey = (grantId: string) => `oidc:grant:${grantId}`;

/** "AuthorizationCode" -> "authorization code" */
function label(model: string): string {
  return model.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A device code (RFC 8628) is kept this long past its expiry, so that a device
 * still polling gets `expired_token` (oidc-provider reads it with
 * ignoreExpiration and checks the expiry itself) and the code page says
 * "expired" rather than "not found". oidc-provider never accepts it by then.
 */
const EXPIRED_DEVICE_CODE_KEPT_SECONDS = 600;

/** What anonymous callers create: refused as new at the in-memory store's cap. */
const CAPPED_MODELS = new Set(['Interaction', 'DeviceCode']);

const FULL_WARNING_INTERVAL_MS = 60_000;
let lastFullWarning = 0;

/** Says so in the log, at most once a minute: a full store is a flood, or a cap set too low. */
function refusedWhileFull(): void {
  const now = Date.now();
  if (now - lastFullWarning < FULL_WARNING_INTERVAL_MS) return;
  lastFullWarning = now;
  log.warn('the in-memory store is full (MEMORY_STORE_MAX_ENTRIES): new sign-ins are refused with 503 until entries expire');
}

/** The grant an artifact belongs to (none for the Grant record itself). */
function grantOf(payload: AdapterPayload): string | undefined {
  return typeof payload.grantId === 'string' ? payload.grantId : undefined;
}

/**
 * Models oidc-provider never consumes: find() reads no consumed marker for
 * them (one store read fewer per lookup: interactions, sessions and grants are
 * read several times a sign-in). Any other model, a future one included, is checked.
 */
const NEVER_CONSUMED = new Set([
  'Interaction',
  'Session',
  'Grant',
  'AccessToken',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'ReplayDetection',
]);

/**
 * Models whose `consumed` oidc-provider reads only right before it calls
 * consume() (its consumeGrantSource(): an authorization code is never read
 * anywhere else). find() reads no marker for them: consume() alone decides, in
 * one atomic step, and a second use is refused there as it would have been on
 * `consumed` (invalid_grant, the grant revoked). One store read fewer per
 * sign-in. Refresh tokens and device codes keep the marker: introspection and
 * device polling read `consumed` on their own.
 */
const CONSUMED_ONLY_AT_CONSUME = new Set(['AuthorizationCode']);

/** How many artifacts an adapter remembers between find() and consume() (see RecentlyFound). */
const RECENT_FINDS = 1000;

/**
 * What consume() needs of an artifact (its expiry and grant), remembered from
 * the find() that comes right before it in the same request, so consume()
 * need not read the artifact again. Both never change for an id. Bounded: the
 * oldest is forgotten first, and consume() reads the store when it finds nothing.
 */
class RecentlyFound {
  readonly #entries = new Map<string, { exp: unknown; grantId: string | undefined }>();

  remember(id: string, payload: AdapterPayload): void {
    if (this.#entries.size >= RECENT_FINDS) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(id, { exp: payload.exp, grantId: grantOf(payload) });
  }

  take(id: string): { exp: unknown; grantId: string | undefined } | undefined {
    const entry = this.#entries.get(id);
    this.#entries.delete(id);
    return entry;
  }
}

/**
 * One oidc-provider adapter class for any Store. oidc-provider creates one
 * instance per model (`new Adapter('AuthorizationCode')`); all share the store.
 */
export function createAdapter(store: Store): AdapterConstructor {
  // The consumed marker is left to expire with the artifact's lifetime: as a
  // tombstone it keeps a request that read the artifact just before its removal
  // from winning consume() afterwards.
  async function removeArtifact(model: string, id: string): Promise<void> {
    const payload = await store.take<AdapterPayload>(artifactKey(model, id));
    if (payload === undefined) return;
    if (typeof payload.uid === 'string') await deleteIfPointsTo(uidKey(payload.uid), id);
    if (typeof payload.userCode === 'string') await deleteIfPointsTo(userCodeKey(payload.userCode), id);
  }

  async function deleteIfPointsTo(key: string, id: string): Promise<void> {
    if ((await store.get<string>(key)) === id) await store.delete(key);
  }

  /**
   * Removes every artifact of a grant. With `keepGrant` the Grant record stays:
   * that is oidc-provider's call (its `revokeGrantPolicy` destroys it separately,
   * and keeps it when a client revokes one of its tokens, so no new consent is
   * needed). A replayed code takes the Grant too.
   */
  async function revokeGrant(grantId: string, { keepGrant }: { keepGrant: boolean }): Promise<void> {
    // The Grant record goes first. Without it oidc-provider refuses every token
    // of the grant, so the revocation holds even if the store fails midway
    // below, and for tokens written concurrently with (or after) it.
    if (!keepGrant) await removeArtifact('Grant', grantId);
    const members = await store.members(grantKey(grantId));
    await Promise.all(
      members.map((member) => {
        const colon = member.indexOf(':');
        const model = member.slice(0, colon);
        return model === 'Grant' ? undefined : removeArtifact(model, member.slice(colon + 1));
      }),
    );
    if (!keepGrant) await store.delete(grantKey(grantId));
  }

  return class StoreAdapter implements Adapter {
    readonly #model: string;
    readonly #consumable: boolean;
    /** Whether find() reads the consumed marker (see CONSUMED_ONLY_AT_CONSUME). */
    readonly #readsMarker: boolean;
    readonly #recent: RecentlyFound | undefined;

    constructor(model: string) {
      this.#model = model;
      this.#consumable = !NEVER_CONSUMED.has(model);
      this.#readsMarker = this.#consumable && !CONSUMED_ONLY_AT_CONSUME.has(model);
      this.#recent = this.#consumable ? new RecentlyFound() : undefined;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const keptFor =
        typeof expiresIn === 'number' && this.#model === 'DeviceCode' ? expiresIn + EXPIRED_DEVICE_CODE_KEPT_SECONDS : expiresIn;
      const ttlMs = typeof keptFor === 'number' ? Math.max(1, keptFor) * 1000 : undefined;
      await guarded(async () => {
        // The in-memory store at its cap refuses new interactions and device requests only (see
        // MemoryStore): one already started is still saved, and sessions, codes and tokens are never refused.
        if (CAPPED_MODELS.has(this.#model) && store.full && (await store.get(artifactKey(this.#model, id))) === undefined) {
          refusedWhileFull();
          throw storeFull();
        }
        // Indexes first, the artifact last. If a write fails midway, what is left
        // is an index entry pointing at nothing, which lookups and revocation
        // skip. The other order could leave a live artifact that the grant index
        // does not know of, and revokeByGrantId would miss it.
        const grantId = this.#model === 'Grant' ? undefined : grantOf(payload);
        if (grantId !== undefined) {
          await store.addToSet(grantKey(grantId), `${this.#model}:${id}`, ttlMs ?? Number.POSITIVE_INFINITY);
        }
        if (this.#model === 'Session' && typeof payload.uid === 'string') {
          await store.set(uidKey(payload.uid), id, ttlMs);
        }
        if (typeof payload.userCode === 'string') {
          await store.set(userCodeKey(payload.userCode), id, ttlMs);
        }
        await store.set(artifactKey(this.#model, id), payload, ttlMs);
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!this.#consumable) return guarded(() => store.get<AdapterPayload>(artifactKey(this.#model, id)));
      if (!this.#readsMarker) {
        return guarded(async () => {
          const payload = await store.get<AdapterPayload>(artifactKey(this.#model, id));
          if (payload !== undefined) this.#recent?.remember(id, payload);
          return payload;
        });
      }
      return guarded(async () => {
        const [payload, consumed] = await Promise.all([
          store.get<AdapterPayload>(artifactKey(this.#model, id)),
          store.get<number>(consumedKey(this.#model, id)),
        ]);
        if (payload === undefined) return undefined;
        this.#recent?.remember(id, payload);
        return consumed === undefined ? payload : { ...payload, consumed };
      });
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return guarded(async () => {
        const id = await store.get<string>(uidKey(uid));
        if (id === undefined) return undefined;
        const payload = await this.find(id);
        return payload?.uid === uid ? payload : undefined;
      });
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return guarded(async () => {
        const id = await store.get<string>(userCodeKey(userCode));
        if (id === undefined) return undefined;
        const payload = await this.find(id);
        return payload?.userCode === userCode ? payload : undefined;
      });
    }

    /**
     * oidc-provider checks `consumed` and then calls consume(): with a shared
     * store two requests can both pass the check. Only the one that sets the
     * marker wins; find() shows it as `consumed`. A loser revokes the whole
     * grant (RFC 6749 section 4.1.2) and fails with invalid_grant. The artifact
     * itself is not rewritten, so a revocation cannot be undone by a late write.
     */
    async consume(id: string): Promise<void> {
      await guarded(async () => {
        // oidc-provider consumes what it has just found: what the marker needs comes from that find().
        const payload = this.#recent?.take(id) ?? (await store.get<AdapterPayload>(artifactKey(this.#model, id)));
        if (payload === undefined) {
          throw new errors.InvalidGrant(`${label(this.#model)} not found`);
        }
        const remainingMs = typeof payload.exp === 'number' ? Math.max(1000, payload.exp * 1000 - Date.now()) : undefined;
        if (await store.setIfAbsent(consumedKey(this.#model, id), epochSeconds(), remainingMs)) {
          return;
        }
        const grantId = typeof payload.grantId === 'string' ? payload.grantId : undefined;
        if (grantId !== undefined) await revokeGrant(grantId, { keepGrant: false });
        throw new errors.InvalidGrant(`${label(this.#model)} already used`);
      });
    }

    async destroy(id: string): Promise<void> {
      await guarded(() => removeArtifact(this.#model, id));
    }

    /** Removes every token of the grant, whichever model's adapter is asked; the Grant record is oidc-provider's to destroy. */
    async revokeByGrantId(grantId: string): Promise<void> {
      await guarded(() => revokeGrant(grantId, { keepGrant: true }));
    }
  };
}
