/** GET /interaction/:uid — the login or consent page, or the interaction as JSON. */
import type { Context } from 'koa';
import { renderPage } from '../web/render.js';
import { SCOPE_TEXT } from '../oidc/claims.js';
import { challengeFor } from './challenge.js';
import type { InteractionDeps } from './deps.js';
import { loadInteraction } from './load.js';
import { wantsJson } from './negotiate.js';
import { interactionView, siweFields } from './view-model.js';

export function show({ provider, config, nonceKey }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const loaded = await loadInteraction(ctx, provider);
    const { interaction } = loaded;
    const siwe = interaction.prompt.name === 'login' ? siweFields(loaded, config, challengeFor(nonceKey, interaction)) : null;
    const view = interactionView(loaded, siwe);
    if (wantsJson(ctx)) {
      ctx.body = view;
      return;
    }
    if (view.prompt === 'login') {
      await renderPage(ctx, 'login', { uid: view.uid, client: view.client, interaction: view });
    } else {
      await renderPage(ctx, 'consent', { uid: view.uid, client: view.client, scopes: view.scopes, account: view.account, scopeText: SCOPE_TEXT });
    }
  };
}
