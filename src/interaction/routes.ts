/**
 * The login interaction, under /interaction/:uid (the path oidc-provider scopes
 * its `_interaction` cookie to): one page plus a small JSON API that the page,
 * command-line signers and tests all use. Every request body is read and
 * checked by acceptBody (body.ts) before its handler runs.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { abort } from './abort.js';
import { acceptBody } from './body.js';
import { loginAttempt } from './audit.js';
import { confirm } from './confirm.js';
import { ensName } from './ens-name.js';
import type { InteractionDeps } from './deps.js';
import { interactionErrors } from './error-responses.js';
import { login } from './login.js';
import { logo } from './logo.js';
import { message } from './message.js';
import { show } from './show.js';

/** Nothing under /interaction (or the phone's /sign) is cached: every answer is for one sign-in. */
export async function noStore(ctx: Context, next: Next): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  await next();
}

export function interactionRoutes(deps: InteractionDeps) {
  const router = new Router();
  router.use('/interaction/:uid', noStore, interactionErrors);
  router.get('/interaction/:uid', show(deps));
  router.get('/interaction/:uid/message', message(deps));
  router.get('/interaction/:uid/logo', logo(deps));
  router.get('/interaction/:uid/ens', ensName(deps));
  router.post('/interaction/:uid/login', loginAttempt, acceptBody('message', 'signature'), login(deps));
  router.post('/interaction/:uid/confirm', acceptBody(), confirm(deps));
  router.post('/interaction/:uid/abort', acceptBody(), abort(deps));
  return router.routes();
}
