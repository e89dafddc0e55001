/**
 * Static clients: a JSON array of oidc-provider client metadata read from
 * CLIENTS_FILE, or in development one documented dev client.
 */
import { readFile } from 'node:fs/promises';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError } from './config-error.js';

/** Our extra client metadata, on top of oidc-provider's (and RFC 7591's) own. */
export const EXTRA_CLIENT_METADATA = ['first_party', 'resource_server', 'token_gates'] as const;

/** The client `npm start` serves when no CLIENTS_FILE is given (development only). */
export const DEV_CLIENT: ClientMetadata = {
  client_id: 'dev-client',
  client_secret: 'dev-client-secret',
  client_name: 'siwe-idp development client',
  redirect_uris: ['http://localhost:8080/callback', 'http://127.0.0.1:8080/callback', 'https://oidcdebugger.com/debug'],
  post_logout_redirect_uris: ['http://localhost:8080/'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

export async function loadClients(file: string): Promise<ClientMetadata[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`CLIENTS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`]);
  }
  if (!Array.isArray(parsed) || parsed.some((client) => typeof client !== 'object' || client === null)) {
    throw new ConfigError([`CLIENTS_FILE ${file} must hold a JSON array of client metadata objects`]);
  }
  const ids = parsed.map((client: ClientMetadata) => client.client_id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) {
    throw new ConfigError([`CLIENTS_FILE ${file} lists client_id "${duplicate}" twice`]);
  }
  return parsed as ClientMetadata[];
}
