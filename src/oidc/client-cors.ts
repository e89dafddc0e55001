/**
 * CORS for browser-based relying parties and OIDC debuggers: a cross-origin
 * request to the token, userinfo, revocation or introspection endpoint is
 * allowed from the origin of one of the client's own redirect URIs.
 */
import type { Configuration } from 'oidc-provider';

type ClientBasedCORS = NonNullable<Configuration['clientBasedCORS']>;

export const clientBasedCORS: ClientBasedCORS = (_ctx, origin, client) => {
  if (origin === 'null') return false;
  return (client.redirectUris ?? []).some((uri) => {
    try {
      return new URL(uri).origin === origin;
    } catch {
      return false;
    }
  });
};
