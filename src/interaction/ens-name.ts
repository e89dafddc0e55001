/**
 * GET /interaction/:uid/ens?address=0x… — the ENS name (and avatar) of the
 * address the wallet connected, for the login page to show beside it:
 * `{address, name, avatar}`, `name` and `avatar` null when there is none or it
 * is not known now. The avatar is a data: URL (the page shows nothing from
 * another origin; ens/avatar-images.ts).
 *
 * The same lookup as the `profile` scope's (ens/ens-profiles.ts), so it warms
 * the cache the login then reads. Bounded: a live interaction is needed (and
 * interactions are counted by RATE_LIMITS' `auth`), and each one may look up
 * at most MAX_LOOKUPS addresses, counted in the shared store; past that, 429.
 * A slow ENS costs at most ENS_TIMEOUT (per lookup), and the answer is still 200.
 */
import type { Context } from 'koa';
import { guarded } from '../storage/outage.js';
import { Problem } from '../web/problem.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction } from './load.js';
import { readAddress } from './message.js';

/** Addresses one interaction may look up (a person switching between a few accounts). */
const MAX_LOOKUPS = 8;

export function ensName({ provider, store, config, ens }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction } = await loadInteraction(ctx, provider, 'login');
    const address = readAddress(ctx.query.address);
    if (!ens) throw new Problem('not_found', 'ENS names are not looked up here (ENS is off)', 404);
    const count = await guarded(() => store.increment(`ens:lookups:${interaction.uid}`, config.interactionTtl * 1000));
    if (count > MAX_LOOKUPS) {
      throw new Problem('too_many_requests', `one sign-in may look up the ENS names of at most ${MAX_LOOKUPS} addresses`, 429);
    }
    const profile = await ens.lookup(address);
    const avatar = profile?.picture ? await ens.image(profile.picture) : undefined;
    ctx.body = { address, name: profile?.name ?? null, avatar: avatar ?? null };
  };
}
