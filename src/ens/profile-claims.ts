/**
 * The `profile` scope's claims from an ENS profile (OIDC Core 5.1): the
 * primary name as `preferred_username` and as `name` (ENS names are what
 * people call themselves on chain; there is no other name to give), and the
 * avatar as `picture`. Nothing when the profile is not known or has no name:
 * a claim is left out rather than given empty.
 */
import type { EnsProfile } from './ens-profiles.js';

export function profileClaims(profile: EnsProfile | undefined): Record<string, string> {
  if (!profile?.name) return {};
  return {
    preferred_username: profile.name,
    name: profile.name,
    ...(profile.picture ? { picture: profile.picture } : {}),
  };
}
