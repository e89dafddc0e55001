/** `siwe-idp clients add|list|show|remove`. */
import { errors, type ClientMetadata } from 'oidc-provider';
import { loadSettings, type Settings } from '../config/settings.js';
import { ClientStore, NO_SHARED_STORE, readClientsFile, staticClientsOf, validateClient, writeClientsFile } from './client-sources.js';
import { metadataFrom, type AddOptions } from './client-metadata.js';
import { readSecret, refuseSecretArgument } from './client-secret.js';
import { parseOptions } from './args.js';
import { CommandError, table, UsageError, type Io } from './io.js';

const ADD_OPTIONS = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'backchannel-logout-uri': { type: 'string' },
  'auth-method': { type: 'string' },
  public: { type: 'boolean' },
  'secret-file': { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'response-type': { type: 'string', multiple: true },
  'refresh-tokens': { type: 'boolean' },
  device: { type: 'boolean' },
  scope: { type: 'string' },
  'first-party': { type: 'boolean' },
  'resource-server': { type: 'boolean' },
  'token-gates': { type: 'string' },
  'logo-uri': { type: 'string' },
  'client-uri': { type: 'string' },
  'policy-uri': { type: 'string' },
  'tos-uri': { type: 'string' },
  'id-token-alg': { type: 'string' },
  'jwks-uri': { type: 'string' },
  metadata: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`give exactly one ${what}`);
  return positionals[0];
}

function describeInvalid(error: unknown): never {
  if (error instanceof errors.OIDCProviderError) {
    throw new CommandError(`the client is not valid: ${error.error}: ${error.error_description ?? error.message}`);
  }
  throw error;
}

function hideSecret(metadata: ClientMetadata): ClientMetadata {
  return metadata.client_secret ? { ...metadata, client_secret: '(hidden: --show-secret prints it)' } : metadata;
}

async function add(args: string[], io: Io): Promise<void> {
  refuseSecretArgument(args);
  const { values, positionals } = parseOptions({ args, options: ADD_OPTIONS, allowPositionals: true, strict: true });
  const clientId = onePositional(positionals, 'client_id');
  const metadata = metadataFrom(clientId, values as AddOptions, await readSecret(values, io));
  const settings = await loadSettings(io.env);
  let stored: ClientMetadata;
  try {
    stored = await validateClient(settings, metadata);
  } catch (error) {
    describeInvalid(error);
  }
  if (stored.client_secret) io.privateOut(); // it is printed below
  if (values.file) {
    const clients = await readClientsFile(values.file);
    if (clients.some((client) => client.client_id === clientId))
      throw new CommandError(`${values.file} already has a client "${clientId}"`);
    await writeClientsFile(values.file, [...clients, stored]);
    io.out(`added "${clientId}" to ${values.file}; restart the server (with CLIENTS_FILE=${values.file}) to load it`);
  } else {
    const statics = staticClientsOf(settings);
    if (statics.clients.some((client) => client.client_id === clientId)) {
      throw new CommandError(
        `"${clientId}" is a static client (${statics.source}), which would hide a stored one; choose another client_id`,
      );
    }
    const store = await ClientStore.open(settings);
    try {
      if (await store.find(clientId))
        throw new CommandError(`the store already has a client "${clientId}" (clients remove ${clientId} first)`);
      await store.save(stored);
    } finally {
      await store.close();
    }
    io.out(`added "${clientId}" to the server's store (REDIS_URL): every server instance sees it now`);
  }
  if (values.json) io.out(JSON.stringify(stored, null, 2));
  if (stored.client_secret)
    io.out(`client_secret: ${stored.client_secret}\n(shown once here; "clients show ${clientId} --show-secret" prints it again)`);
}

interface Listed {
  metadata: ClientMetadata;
  source: string;
}

/** The store's clients; an id in its index whose record is gone is skipped, and dropped from the index. */
async function storedClients(settings: Settings, io: Io): Promise<Listed[]> {
  const store = await ClientStore.open(settings);
  try {
    const listed: Listed[] = [];
    for (const id of await store.ids()) {
      const metadata = await store.find(id);
      if (metadata) listed.push({ metadata, source: 'store' });
      else if (await store.pruneIndex(id)) io.err(`note: dropped "${id}" from the store's client index: its record is gone`);
    }
    return listed;
  } finally {
    await store.close();
  }
}

async function allClients(settings: Settings, io: Io): Promise<Listed[]> {
  const statics = staticClientsOf(settings);
  const listed = statics.clients.map((metadata) => ({ metadata, source: statics.source }));
  if (settings.config.redis) return [...listed, ...(await storedClients(settings, io))];
  io.err(`note: ${NO_SHARED_STORE}`);
  return listed;
}

async function list(args: string[], io: Io): Promise<void> {
  const { values } = parseOptions({ args, options: { json: { type: 'boolean' } }, strict: true });
  const settings = await loadSettings(io.env);
  const listed = await allClients(settings, io);
  if (values.json) {
    io.out(
      JSON.stringify(
        listed.map(({ metadata, source }) => ({ source, ...hideSecret(metadata) })),
        null,
        2,
      ),
    );
    return;
  }
  const rows = listed.map(({ metadata, source }) => [
    String(metadata.client_id),
    String(metadata.client_name ?? ''),
    String(metadata.token_endpoint_auth_method ?? 'client_secret_basic'),
    metadata.first_party ? 'yes' : '',
    (metadata.redirect_uris ?? []).join(' '),
    source,
  ]);
  io.out(table([['CLIENT_ID', 'NAME', 'AUTH METHOD', 'FIRST PARTY', 'REDIRECT URIS', 'SOURCE'], ...rows]));
}

async function show(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseOptions({
    args,
    options: { 'show-secret': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const clientId = onePositional(positionals, 'client_id');
  const settings = await loadSettings(io.env);
  const found = (await allClients(settings, io)).find(({ metadata }) => metadata.client_id === clientId);
  if (!found) throw new CommandError(`no client "${clientId}"`);
  if (values['show-secret'] && found.metadata.client_secret) io.privateOut();
  io.out(`# ${found.source}`);
  io.out(JSON.stringify(values['show-secret'] ? found.metadata : hideSecret(found.metadata), null, 2));
}

async function remove(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseOptions({ args, options: { file: { type: 'string' } }, allowPositionals: true, strict: true });
  const clientId = onePositional(positionals, 'client_id');
  if (values.file) {
    const clients = await readClientsFile(values.file);
    if (!clients.some((client) => client.client_id === clientId)) throw new CommandError(`${values.file} has no client "${clientId}"`);
    await writeClientsFile(
      values.file,
      clients.filter((client) => client.client_id !== clientId),
    );
    io.out(`removed "${clientId}" from ${values.file}; restart the server to unload it`);
    return;
  }
  const settings = await loadSettings(io.env);
  const statics = staticClientsOf(settings);
  if (statics.clients.some((client) => client.client_id === clientId)) {
    throw new CommandError(
      `"${clientId}" is a static client (${statics.source}): remove it with --file <that file>, then restart the server`,
    );
  }
  const store = await ClientStore.open(settings);
  try {
    if (!(await store.find(clientId))) throw new CommandError(`the store has no client "${clientId}"`);
    await store.remove(clientId);
  } finally {
    await store.close();
  }
  io.out(`removed "${clientId}" from the store: it can no longer sign anyone in`);
}

export async function clientsCommand(args: string[], io: Io): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, io);
    case 'list':
      return list(rest, io);
    case 'show':
      return show(rest, io);
    case 'remove':
      return remove(rest, io);
    default:
      throw new UsageError(`clients: expected add, list, show or remove${sub ? `, got "${sub}"` : ''}`);
  }
}
