/** GET /interaction/:uid/logo — the client's logo, from our origin (see web/client-logos.ts). */
import type { Context } from 'koa';
import type { InteractionDeps } from './deps.js';
import { loadInteraction } from './load.js';
import { Problem } from '../web/problem.js';

export function logo({ provider, logos }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const { client } = await loadInteraction(ctx, provider);
    const image = await logos.get(client.clientId);
    if (!image) throw new Problem('not_found', 'this application has no logo', 404);
    ctx.set('Cache-Control', 'private, max-age=600');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = image.type;
    ctx.body = image.body;
  };
}
