/** GET /interaction/:uid — the login or consent page, or the interaction as JSON. */
import type { Context } from 'koa';
import { gateViewOf } from '../gates/gate-view.js';
import { CLAIMS } from '../oidc/claims.js';
import { renderPage } from '../web/render.js';
import { brandingFor } from './branding.js';
import { CHAIN_NAMES } from './chain-names.js';
import { challengeFor } from './challenge.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction, type Interaction } from './load.js';
import { wantsJson } from './respond.js';
import { interactionView, siweFields } from './view-model.js';

/** The claims the consent step releases: those of the requested scopes, and any requested one by one. */
function claimsOf(scopes: string[], interaction: Interaction): string[] {
  const requested = (interaction.prompt.details.missingOIDCClaims as string[] | undefined) ?? [];
  const names = scopes.flatMap((scope) => CLAIMS[scope] ?? []).concat(requested);
  return [...new Set(names)];
}

export function show({ provider, config, nonceKey, logos, ens }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const loaded = await loadInteraction(ctx, provider);
    const { interaction } = loaded;
    const siwe = interaction.prompt.name === 'login' ? siweFields(loaded, config, challengeFor(nonceKey, interaction)) : null;
    const view = interactionView(loaded, siwe);
    // A token-gated client's requirements, named before anyone signs (gates/gate-view.ts).
    const gates = siwe ? gateViewOf(loaded.client) : [];
    if (wantsJson(ctx)) {
      ctx.body = gates.length > 0 ? { ...view, token_gates: gates } : view;
      return;
    }
    const common = { uid: view.uid, branding: await brandingFor(view, logos), uiLocales: interaction.params.ui_locales };
    if (view.prompt === 'login') {
      await renderPage(ctx, 'login', {
        ...common,
        interaction: view,
        siwe: view.siwe,
        domain: config.siweDomain,
        chainNames: CHAIN_NAMES,
        gates,
        // The page asks for the connected address's ENS name (interaction/ens-name.ts) only when ENS is on.
        ens: Boolean(ens),
      });
    } else {
      await renderPage(ctx, 'consent', {
        ...common,
        account: view.account,
        scopes: view.scopes,
        claims: claimsOf(view.scopes, interaction),
      });
    }
  };
}
