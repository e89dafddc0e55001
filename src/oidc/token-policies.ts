/**
 * Who may introspect (RFC 7662) and revoke (RFC 7009) a token.
 *
 *   introspection  the token's own client, or a client the operator marked
 *                  `resource_server: true` (an API that checks access tokens);
 *                  anyone else learns only `{"active": false}`, as for an
 *                  unknown token;
 *   revocation     the token's own client only. A confidential client presenting
 *                  another client's token is refused (invalid_request), as RFC
 *                  7009 section 2.1 asks; a public client gets the plain 200 and
 *                  nothing is revoked (it is not authenticated, so an error would
 *                  tell anyone whose token it is).
 *
 * `resource_server` is operator-only metadata, like `first_party`: CLIENTS_FILE
 * and the command-line tool may set it, registration never (see registration.ts).
 */
import { errors, type Client, type KoaContextWithOIDC } from 'oidc-provider';

export const RESOURCE_SERVER = 'resource_server';

export function isResourceServer(client: Client | undefined): boolean {
  return client?.[RESOURCE_SERVER] === true;
}

interface Token {
  clientId?: string | undefined;
}

export function introspectionAllowed(_ctx: KoaContextWithOIDC, client: Client, token: Token): boolean {
  return token.clientId === client.clientId || isResourceServer(client);
}

export function revocationAllowed(_ctx: KoaContextWithOIDC, client: Client, token: Token): boolean {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}

/** The `resource_server` metadata check: a boolean, and only for a client that authenticates. */
export function checkResourceServerMetadata(value: unknown, metadata: Record<string, unknown>): void {
  if (value === undefined) return;
  if (typeof value !== 'boolean') throw new errors.InvalidClientMetadata('resource_server must be true or false');
  if (value && metadata.token_endpoint_auth_method === 'none') {
    throw new errors.InvalidClientMetadata(
      'resource_server needs client authentication: a public client (token_endpoint_auth_method "none") cannot be one',
    );
  }
}
