/**
 * Loads the interaction named in the URL, bound to the browser by
 * oidc-provider's `_interaction` cookie, and its client.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { Problem } from '../web/problem.js';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
export type Client = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;

export interface Loaded {
  interaction: Interaction;
  client: Client;
}

export async function loadInteraction(ctx: Context, provider: Provider, prompt?: 'login' | 'consent'): Promise<Loaded> {
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== ctx.params.uid) {
    throw new errors.SessionNotFound('interaction cookie does not match the URL');
  }
  if (prompt && interaction.prompt.name !== prompt) {
    throw new Problem('invalid_request', `this sign-in step expects ${interaction.prompt.name}, not ${prompt}`);
  }
  const client = await provider.Client.find(String(interaction.params.client_id));
  if (!client) throw new errors.SessionNotFound('the client of this interaction no longer exists');
  return { interaction, client };
}

/** The redirect_uri of this authorization request (oidc-provider may have filled in a client's only one). */
export function redirectUriOf({ interaction, client }: Loaded): string {
  const requested = interaction.params.redirect_uri;
  return typeof requested === 'string' ? requested : String(client.redirectUris?.[0] ?? '');
}
