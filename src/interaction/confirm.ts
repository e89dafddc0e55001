/**
 * POST /interaction/:uid/confirm — grants what the consent prompt showed. The
 * body (none, `{}` or an empty form) and the interaction are checked before the
 * Grant is saved; a repeated confirm (a double click) updates the Grant the
 * first one saved instead of creating another.
 */
import type { Context } from 'koa';
import { addMissing } from '../oidc/grants.js';
import type { InteractionDeps } from './deps.js';
import { finishInteraction } from './finish.js';
import { loadInteraction } from './load.js';
import { respondRedirect } from './respond.js';
import { Problem } from '../web/problem.js';

export function confirm({ provider }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction, client } = await loadInteraction(ctx, provider, 'consent');
    const accountId = interaction.session?.accountId;
    if (!accountId) throw new Problem('invalid_request', 'sign in before granting access');
    const existing = interaction.grantId ?? interaction.result?.consent?.grantId;
    const grant = existing ? await provider.Grant.find(existing) : new provider.Grant({ accountId, clientId: client.clientId });
    if (!grant) throw new Problem('invalid_interaction', 'the grant of this sign-in no longer exists; start again');
    addMissing(grant, interaction.prompt.details);
    const grantId = await grant.save();
    const redirectTo = await finishInteraction(interaction, { consent: { grantId } }, { mergeWithLastSubmission: true });
    respondRedirect(ctx, redirectTo);
  };
}
