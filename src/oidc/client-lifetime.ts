/**
 * Dynamically registered clients expire when idle: a client written by the
 * registration endpoints (RFC 7591 create, RFC 7592 update) is stored for
 * REGISTRATION_CLIENT_TTL, and every successful authorization for it (a sign-in,
 * or single sign-on with an existing session) starts that time again. Its
 * registration access token is stored as long and extended with it, so it
 * never outlives its client (oidc-provider gives it no expiry of its own, and
 * none in its payload, so only the store's TTL ends it).
 *
 * Static clients (CLIENTS_FILE) are never stored; those the command-line tool
 * adds are stored without a TTL. Neither costs anything at sign-in: only a
 * client with a `client_id_issued_at` (set by the registration endpoint) that
 * is not static is extended, and the store's refreshTtl leaves a client
 * without a TTL as it is.
 */
import type { Context, Next } from 'koa';
import Provider, { type AdapterConstructor, type KoaContextWithOIDC } from 'oidc-provider';
import { log } from '../log.js';
import { artifactKey } from '../storage/adapter.js';
import { decorateAdapter } from '../storage/decorate-adapter.js';
import { guarded } from '../storage/outage.js';
import type { Store } from '../storage/store.js';

/** oidc-provider's routes that write a client's metadata as the client asserts it. */
const REGISTRATION_ROUTES = new Set(['registration', 'client_update']);

/** The id of a registered client's registration access token, to extend it with the client. */
const tokenOfClientKey = (clientId: string) => `clients:registration-token:${clientId}`;

function registering(): boolean {
  return REGISTRATION_ROUTES.has(String(Provider.ctx?.oidc?.route));
}

export function withRegisteredClientLifetime(Base: AdapterConstructor, store: Store, ttlSeconds: number): AdapterConstructor {
  return decorateAdapter(Base, (model, base) => {
    if (model === 'Client') {
      return {
        upsert: (id, payload, expiresIn) => base.upsert(id, payload, registering() ? ttlSeconds : expiresIn),
        async destroy(id) {
          await base.destroy(id);
          await guarded(() => store.delete(tokenOfClientKey(id)));
        },
      };
    }
    if (model === 'RegistrationAccessToken') {
      return {
        async upsert(id, payload, expiresIn) {
          if (typeof payload.clientId !== 'string') return base.upsert(id, payload, expiresIn);
          const clientId = payload.clientId;
          await guarded(() => store.set(tokenOfClientKey(clientId), id, ttlSeconds * 1000));
          return base.upsert(id, payload, ttlSeconds);
        },
      };
    }
    return {};
  });
}

/**
 * Starts a registered client's lifetime, and its registration access token's,
 * again. False (and nothing changed) if the client is gone or never expires.
 */
export async function extendRegisteredClient(store: Store, clientId: string, ttlSeconds: number): Promise<boolean> {
  const ttlMs = ttlSeconds * 1000;
  if (!(await store.refreshTtl(artifactKey('Client', clientId), ttlMs))) return false;
  const tokenId = await store.get<string>(tokenOfClientKey(clientId));
  if (tokenId === undefined) return true;
  await store.refreshTtl(artifactKey('RegistrationAccessToken', tokenId), ttlMs);
  await store.refreshTtl(tokenOfClientKey(clientId), ttlMs);
  return true;
}

/**
 * Koa middleware around oidc-provider: after an authorization response for a
 * registered client, extend the client. A store failure here is logged and
 * does not fail the sign-in (the client then lives its remaining time).
 */
export function extendRegisteredClientsOnSignIn(
  provider: Provider,
  store: Store,
  ttlSeconds: number,
  staticClientIds: ReadonlySet<string>,
) {
  const authorized = new WeakSet<object>();
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => authorized.add(ctx));
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (!authorized.has(ctx)) return;
    const client = (ctx as unknown as KoaContextWithOIDC).oidc?.client;
    if (!client || client.clientIdIssuedAt === undefined || staticClientIds.has(client.clientId)) return;
    try {
      await extendRegisteredClient(store, client.clientId, ttlSeconds);
    } catch (error) {
      log.warn('could not extend a registered client', { client: client.clientId, error: (error as Error).message });
    }
  };
}
