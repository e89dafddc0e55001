/**
 * Where clients live. Static clients: CLIENTS_FILE (or the development client
 * when it is unset), loaded at the server's start. Stored clients: the
 * server's store, through the very adapter (and key layout) oidc-provider
 * uses, so a client added here works at once on every instance. That needs
 * REDIS_URL: without it the server keeps clients in its own memory, which no
 * other process can reach.
 */
import Provider, { type AdapterPayload, type ClientMetadata } from 'oidc-provider';
import { DEV_CLIENT, loadClients } from '../config/clients.js';
import type { Settings } from '../config/settings.js';
import { CLIENT_INDEX_KEY, storedClientIds, withClientIndex } from '../oidc/client-index.js';
import { providerConfiguration } from '../oidc/provider.js';
import { createAdapter } from '../storage/adapter.js';
import { createStore, type Store } from '../storage/store.js';
import { CommandError } from './io.js';
import { writePrivateFile } from './private-file.js';

export const NO_SHARED_STORE =
  'REDIS_URL is not set (nor REDIS_SENTINELS or REDIS_CLUSTER_NODES): the server then keeps registered clients in its own memory, ' +
  'which this command cannot reach. Set the Redis settings the server uses, or add the client to a clients file with --file "$CLIENTS_FILE" and restart the server.';

export interface StaticClients {
  /** "CLIENTS_FILE <path>" or "development default". */
  source: string;
  clients: ClientMetadata[];
}

export function staticClientsOf(settings: Settings): StaticClients {
  const file = settings.config.clientsFile;
  return file ? { source: `CLIENTS_FILE ${file}`, clients: settings.clients } : { source: 'development default', clients: [DEV_CLIENT] };
}

/**
 * Validates metadata exactly as the server would (same configuration) and
 * returns what it stores, through oidc-provider's public API: a provider
 * whose only (static) client is this one, and Client.find, which validates a
 * client as it does a stored one at the server (a sector_identifier_uri
 * included), throwing InvalidClientMetadata when it is not valid.
 */
export async function validateClient(settings: Settings, metadata: ClientMetadata): Promise<ClientMetadata> {
  const provider = new Provider(
    settings.config.issuer,
    providerConfiguration({ ...settings, clients: [metadata], adapter: class {} as never }),
  );
  const client = await provider.Client.find(String(metadata.client_id));
  if (!client) throw new CommandError(`oidc-provider did not load the client "${metadata.client_id}"`);
  return client.metadata();
}

export class ClientStore {
  readonly #store: Store;
  readonly #adapter;

  private constructor(store: Store) {
    this.#store = store;
    this.#adapter = new (withClientIndex(createAdapter(store), store))('Client');
  }

  static async open(settings: Settings): Promise<ClientStore> {
    if (!settings.config.redis) throw new CommandError(NO_SHARED_STORE);
    return new ClientStore(await createStore({ redis: settings.config.redis }));
  }

  async ids(): Promise<string[]> {
    return storedClientIds(this.#store);
  }

  /**
   * Drops an id from the client index whose record is gone (a write that
   * failed midway), unless the record appeared meanwhile (a client being
   * added right now). Returns whether it was dropped.
   */
  async pruneIndex(clientId: string): Promise<boolean> {
    if (await this.find(clientId)) return false;
    await this.#store.removeFromSet(CLIENT_INDEX_KEY, clientId);
    if (!(await this.find(clientId))) return true;
    await this.#store.addToSet(CLIENT_INDEX_KEY, clientId, Number.POSITIVE_INFINITY);
    return false;
  }

  async find(clientId: string): Promise<ClientMetadata | undefined> {
    return ((await this.#adapter.find(clientId)) ?? undefined) as ClientMetadata | undefined;
  }

  async save(metadata: ClientMetadata): Promise<void> {
    await this.#adapter.upsert(String(metadata.client_id), metadata as AdapterPayload);
  }

  async remove(clientId: string): Promise<void> {
    await this.#adapter.destroy(clientId);
  }

  async close(): Promise<void> {
    await this.#store.close();
  }
}

/** Reads a clients file; a missing file is an empty list (a new file). */
export async function readClientsFile(file: string): Promise<ClientMetadata[]> {
  try {
    return await loadClients(file);
  } catch (error) {
    if ((error as Error).message.includes('ENOENT')) return [];
    throw error;
  }
}

/** Writes a clients file (it holds client secrets) atomically, readable only by its owner. */
export async function writeClientsFile(file: string, clients: ClientMetadata[]): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(clients, null, 2)}\n`);
}
