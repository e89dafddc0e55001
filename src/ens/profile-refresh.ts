/**
 * At a refresh_token grant the ENS profile is looked up again (through the
 * cache, so at most one lookup per ENS_CACHE_TTL), and what is found replaces
 * the profile kept with the sign-in: the new ID token and the userinfo that
 * follows agree. When nothing can be known now (ENS down or slow), the profile
 * found last is kept: a refresh during an outage does not strip a name that
 * was verified before.
 */
import type { RefreshProfile } from '../oidc/account.js';
import { updateSignInProfile } from '../oidc/sign-in-record.js';
import { log } from '../log.js';
import type { Store } from '../storage/store.js';
import type { EnsProfiles } from './ens-profiles.js';

/** `sessionMaxAge`: SESSION_MAX_AGE in seconds, the sign-in record's life from the sign-in. */
export function profileRefresher(profiles: EnsProfiles, store: Store, sessionMaxAge: number): RefreshProfile {
  return async (address, sessionUid, authTime, record) => {
    const profile = await profiles.lookup(address);
    if (profile && sessionUid) {
      const ttlMs = authTime === undefined ? sessionMaxAge * 1000 : (authTime + sessionMaxAge) * 1000 - Date.now();
      try {
        await updateSignInProfile(store, sessionUid, record, profile, ttlMs);
      } catch (error) {
        log.warn('ENS profile not kept with the sign-in: the store failed', { error: (error as Error).message });
      }
    }
    return profile;
  };
}
