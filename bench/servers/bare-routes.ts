/**
 * The bare engine's interaction routes: the same URLs and JSON shapes as ours
 * (so the driver does the same work against both), but no wallet proof at all.
 * GET answers the interaction view with a random nonce that is neither stored
 * nor checked; POST …/login logs in whatever address line 2 of the posted
 * message names. Never deploy this.
 */
import { randomBytes } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Config } from '../../src/config/env.js';
import { loadInteraction } from '../../src/interaction/load.js';
import { interactionView, siweFields } from '../../src/interaction/view-model.js';

export function bareInteractionRoutes(provider: Provider, config: Config) {
  const router = new Router();
  const body = bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '16kb', formLimit: '16kb' });

  router.get('/interaction/:uid', async (ctx: Context) => {
    const loaded = await loadInteraction(ctx, provider);
    const challenge = {
      nonce: randomBytes(16).toString('hex'),
      issuedAt: new Date().toISOString(),
      expirationTime: new Date(loaded.interaction.exp * 1000).toISOString(),
    };
    ctx.body = interactionView(loaded, siweFields(loaded, config, challenge));
  });

  router.post('/interaction/:uid/login', body, async (ctx: Context) => {
    await loadInteraction(ctx, provider, 'login');
    const { message } = ctx.request.body as { message: string };
    const accountId = message.split('\n')[1] ?? '';
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false });
    ctx.body = { redirectTo };
  });

  return router.routes();
}
