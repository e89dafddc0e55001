/**
 * Grants: what a client may receive for an account. Consent adds what the
 * prompt found missing; first-party clients get the same without a screen.
 */
import type { Grant, KoaContextWithOIDC, PromptDetail } from 'oidc-provider';

interface MissingGrant {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** Adds to the grant everything the consent prompt reported missing. */
export function addMissing(grant: Grant, details: PromptDetail['details']): void {
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details as MissingGrant;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
}

function isFirstParty(ctx: KoaContextWithOIDC): boolean {
  return ctx.oidc.client?.first_party === true;
}

/**
 * oidc-provider's `loadExistingGrant`: the grant of this session for this client;
 * for a first-party client, one that covers what is asked, so no consent screen shows.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { provider, client, session, result } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = (result?.consent?.grantId as string | undefined) ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!isFirstParty(ctx)) return existing;

  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
  await grant.save();
  return grant;
}
