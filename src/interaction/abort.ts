/** POST /interaction/:uid/abort — the person declines; the application gets `access_denied`. */
import type { Context } from 'koa';
import type { InteractionDeps } from './deps.js';
import { finishInteraction } from './finish.js';
import { loadInteraction } from './load.js';
import { respondRedirect } from './respond.js';

export function abort({ provider }: InteractionDeps) {
  return async (ctx: Context): Promise<void> => {
    const { interaction } = await loadInteraction(ctx, provider);
    const redirectTo = await finishInteraction(
      interaction,
      { error: 'access_denied', error_description: 'the user declined the sign-in' },
      { mergeWithLastSubmission: false },
    );
    respondRedirect(ctx, redirectTo);
  };
}
